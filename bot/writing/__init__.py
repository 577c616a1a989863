"""Writing stage: turn a plan into reply text (builtin script engine, or an LLM behind one interface)."""
