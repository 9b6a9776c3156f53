-- ARGV: prefix, scope. Returns how many states were deleted.
return delete_scope(ARGV[2])
