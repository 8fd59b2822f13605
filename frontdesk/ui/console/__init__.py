"""The project manager's console: roster, approvals, crossings, people, lapsing clients,
figures and settings — one tab each, for the PM and the GM only."""
