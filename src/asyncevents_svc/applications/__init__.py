"""Applications: the tenants. Each subscription belongs to one, a key may be bound to one,
and a bound key sees and changes its own application's objects only."""
