"""The Textual app: the desk at the counter, the lobby board. Built by factories that
receive the services; it adds no rule of its own."""
