#!/bin/bash
# Finds tests that cannot fail, in the Swift sources under Tests/ (or the folders given):
#
#   scripts/check-tests.sh [FOLDER...]
#
#   - an @Test function that asserts nothing: no #expect, #require, XCTAssert*, Issue.record or withKnownIssue
#     in its body, and no call to a helper function (defined under the scanned folders) that asserts;
#   - #expect(x.count >= 0) or #expect(x >= 0) alone: a count or an index is never negative, so it always holds;
#   - `_ = try?`: an error thrown there is dropped, so nothing can fail;
#   - a bare `return` guarded by getuid() == 0 / != 0: CI runs as root, so the test skips its assertions there.
#
# A line that must keep one of these (cleanup that may fail, say) carries the comment `check-tests: allow`.
# Prints file:line: problem for each finding and exits 1 when there is any. Needs only perl (Debian's perl-base).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- Tests
files=$(find "$@" -name '*.swift' | sort)
[ -n "$files" ] || { echo "check-tests.sh: no Swift files under $*" >&2; exit 2; }

# shellcheck disable=SC2086
exec perl -e '
use strict; use warnings;

# Code with string literals, regex literals and comments blanked (newlines kept, so offsets give line numbers):
# braces, parentheses and keywords inside text must not count.
sub code_only {
    my ($s) = @_;
    my $out = "";
    my $i = 0; my $n = length $s;
    while ($i < $n) {
        my $c = substr($s, $i, 1);
        my $rest3 = substr($s, $i, 3);
        my $blank = sub { my ($t) = @_; (my $b = $t) =~ s/[^\n]/ /g; $out .= $b; $i += length $t; };
        if (substr($s, $i, 2) eq "//") {
            my $e = index($s, "\n", $i); $e = $n if $e < 0;
            $blank->(substr($s, $i, $e - $i)); next;
        }
        if (substr($s, $i, 2) eq "/*") {
            my $e = index($s, "*/", $i + 2); $e = $n - 2 if $e < 0;
            $blank->(substr($s, $i, $e + 2 - $i)); next;
        }
        if ($rest3 eq "\"\"\"" || substr($s, $i, 4) eq "#\"\"\"") {
            my $start = $i; my $hash = substr($s, $i, 1) eq "#" ? "#" : "";
            my $e = index($s, "\"\"\"$hash", $i + 3 + length $hash);
            $e = $n - 3 if $e < 0;
            $out .= "\"\"\""; $i += 3 + length $hash;
            $blank->(substr($s, $i, $e - $i)); $out .= "\"\"\""; $i = $e + 3 + length $hash;
            next;
        }
        # Raw strings #"..."# and regex literals #/.../#.
        if (substr($s, $i, 2) eq "#\"" || substr($s, $i, 2) eq "#/") {
            my $close = substr($s, $i + 1, 1) . "#";
            my $e = index($s, $close, $i + 2); $e = $n - 2 if $e < 0;
            $out .= "\"\""; $i += 2; $blank->(substr($s, $i, $e - $i)); $i = $e + 2; next;
        }
        if ($c eq "\"") {
            my $j = $i + 1; my $depth = 0;
            while ($j < $n) {
                my $d = substr($s, $j, 1);
                if ($d eq "\\") {
                    # An interpolation \( ... ) is code: keep its parentheses balanced, skip its contents.
                    if (substr($s, $j + 1, 1) eq "(") { $depth++; $j += 2; next; }
                    $j += 2; next;
                }
                if ($depth > 0) { $depth++ if $d eq "("; $depth-- if $d eq ")"; $j++; next; }
                last if $d eq "\"" || $d eq "\n";
                $j++;
            }
            $out .= "\""; $i++; $blank->(substr($s, $i, $j - $i)); $out .= "\""; $i = $j + 1;
            next;
        }
        $out .= $c; $i++;
    }
    return $out;
}

# The text from the "{" at $open to its matching "}".
sub block_end {
    my ($code, $open) = @_;
    my $depth = 0;
    for (my $i = $open; $i < length $code; $i++) {
        my $c = substr($code, $i, 1);
        $depth++ if $c eq "{";
        if ($c eq "}") { $depth--; return $i if $depth == 0; }
    }
    return length($code) - 1;
}

my $assertion = qr/#expect\b|#require\b|\bXCTAssert\w*|\bXCTFail\b|\bIssue\.record\b|\bwithKnownIssue\b/;
my (%raw, %code, @functions);
for my $file (@ARGV) {
    open my $fh, "<", $file or die "$file: $!";
    local $/; my $text = <$fh>; close $fh;
    $raw{$file} = $text;
    my $code = code_only($text);
    $code{$file} = $code;
    while ($code =~ /\bfunc\s+(\w+)[^{]*?\{/gs) {
        my ($name, $start, $open) = ($1, $-[0], $+[0] - 1);
        my $end = block_end($code, $open);
        my $before = substr($code, 0, $start);
        # Attributes between the previous declaration and this func: is it an @Test?
        my ($attributes) = $before =~ /([^{};]*)$/s;
        push @functions, { file => $file, name => $name, body => substr($code, $open, $end - $open + 1),
                           line => 1 + (substr($code, 0, $start) =~ tr/\n//),
                           test => ($attributes // "") =~ /\@Test\b/ ? 1 : 0 };
        pos($code) = $open + 1;
    }
}

# Helpers that assert, to a fixed point: a helper that calls an asserting helper asserts too.
my %asserts;
my $changed = 1;
while ($changed) {
    $changed = 0;
    for my $f (@functions) {
        next if $asserts{$f->{name}};
        my $calls = join "|", map { quotemeta } keys %asserts;
        if ($f->{body} =~ $assertion || ($calls ne "" && $f->{body} =~ /\b(?:$calls)\s*\(/)) {
            $asserts{$f->{name}} = 1; $changed = 1;
        }
    }
}

my @findings;
sub allowed {
    my ($file, $line) = @_;
    my @lines = split /\n/, $raw{$file}, -1;
    return ($lines[$line - 1] // "") =~ /check-tests: allow/;
}
sub report { my ($file, $line, $problem) = @_; push @findings, "$file:$line: $problem" unless allowed($file, $line); }

for my $f (grep { $_->{test} } @functions) {
    next if $asserts{$f->{name}};
    report($f->{file}, $f->{line},
           "\@Test func $f->{name} asserts nothing (no #expect/#require/Issue.record, no asserting helper)");
}
for my $file (@ARGV) {
    my $code = $code{$file};
    my $line_of = sub { 1 + (substr($code, 0, $_[0]) =~ tr/\n//) };
    while ($code =~ /#expect\s*\(/g) {
        my $start = $-[0]; my $depth = 0; my $i = $+[0] - 1;
        for (; $i < length $code; $i++) {
            my $c = substr($code, $i, 1);
            $depth++ if $c eq "("; if ($c eq ")") { $depth--; last if $depth == 0; }
        }
        my $args = substr($code, $start, $i - $start + 1);
        # A count compared with 0, or an expectation that is nothing but "x >= 0" (an index from firstIndex, say).
        my $inner = substr($args, index($args, "(") + 1, -1);
        report($file, $line_of->($start), "#expect(... >= 0) holds for any count or index")
            if $inner =~ /\b\w*[cC]ount\s*>=\s*0(?![.\w])/ || $inner =~ /^\s*[\w.]+\s*>=\s*0\s*(?:,.*)?$/s;
    }
    while ($code =~ /_\s*=\s*try\?/g) {
        report($file, $line_of->($-[0]), "`_ = try?` drops the error: nothing can fail there");
    }
    while ($code =~ /getuid\(\)\s*[!=]=\s*0[^\n]*\breturn\s*(?:\}|\n)/g) {
        report($file, $line_of->($-[0]), "early return guarded by getuid(): as root (CI) the test asserts nothing");
    }
}
if (@findings) {
    print "$_\n" for @findings;
    print scalar(@findings) . " test(s) that cannot fail (scripts/check-tests.sh)\n";
    exit 1;
}
my $tests = grep { $_->{test} } @functions;
print "check-tests: $tests \@Test functions in " . scalar(@ARGV) . " files, none that cannot fail\n";
' $files
