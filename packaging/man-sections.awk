# Gives each subcommand of the page swift-argument-parser's generate-manual writes its own subsection:
# the generator lists subcommands as items (".It Em convert") of the DESCRIPTION's option list; here that list
# is closed after the root command's own options and every subcommand becomes ".Ss convert" under
# ".Sh COMMANDS", so `man klp-convert` shows them as sections (and /convert finds the heading).
# Input and output are mdoc; nested option lists (.Bl/.El) are counted so only the outer list is touched.
/^\.Bl/ { depth++; print; next }
/^\.El/ {
    depth--
    if (depth == 0 && commands) next      # the outer list, already closed before the first subcommand
    print; next
}
/^\.It Em / && depth == 1 {
    if (!commands) { print ".El"; print ".Sh COMMANDS"; commands = 1 }
    sub(/^\.It Em /, ".Ss ")
    print; next
}
{ print }
