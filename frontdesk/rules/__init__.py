"""Pure domain rules: dataclasses in, decisions out.

No I/O, no clock, no ORM, no Textual. Every decision carries its reasons
(rule ids from docs/rules.en.md, the dates compared, the register entries used).
"""
