"""Planning stage: facts that matter, the situation, the solution menu, choices, approval proposal."""
