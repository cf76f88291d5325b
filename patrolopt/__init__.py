"""patrolopt."""
