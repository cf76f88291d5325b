"""Pages of the district knowledge base, one module per topic (schools, map, vault, …)."""
