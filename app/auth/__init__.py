"""API keys and the roles they carry: who may write to the knowledge base."""
