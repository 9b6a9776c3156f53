-- ARGV: prefix, owner scope. Deletes every scope that substituted it; returns how many states.
return end_owner(ARGV[2])
