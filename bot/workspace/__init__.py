"""The copilot workspace: conversations, drafts, approvals, cases and the people who work them."""
