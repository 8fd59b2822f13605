"""The scenario drill (R5.3 情景模拟): scripted visitors on a throwaway sandbox, scored against the rules.

scenario — the drill sets (data/drills/*.json), validated; world — the sandbox built through the
services; engine — plays the stories; score — compares answers with what the rules decide.
"""
