-- ARGV: prefix, client owner scope, idle millis.
touch(ARGV[2], tonumber(ARGV[3]))
return 1
