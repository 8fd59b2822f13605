"""Storage: SQLModel tables, the engine, the register ledger and the migrations."""
