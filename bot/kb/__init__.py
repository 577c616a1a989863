"""The shop's knowledge as validated data: products, size charts, policies, rules, demo orders."""
