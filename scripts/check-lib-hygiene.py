#!/usr/bin/env python3
"""Boundary hygiene of the libraries (issue 12, item 5), checked on the source text with
comments and string literals removed:
  - no abort(), exit() or assert() in sw/lib and model/ (errors are returned; static_assert
    is fine);
  - no writing to stderr/stdout and no printf/puts/perror in sw/lib except in hq_error.c,
    the one documented path (hq_errf for errors, hq_notef for verbose output);
  - no error message formatted into the caller's buffer except through hq_errf (sw/lib).
usage: check-lib-hygiene.py SOURCE_DIR; exits 1 listing every offending line."""
import pathlib
import re
import sys

CODE = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
FATAL = re.compile(r'(?<![\w.>])(?:std::)?(?:abort|exit|_Exit|quick_exit|assert)\s*\(')
ERRBUF = re.compile(r'\bv?snprintf\s*\(\s*err\b')
PRINT = re.compile(r'\b(?:stderr|stdout|printf|vprintf|puts|perror)\b|\bfprintf\s*\(')


def code_only(text):
    """The text with comments and literals blanked, line numbers kept."""
    return CODE.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)


def main():
    if len(sys.argv) == 2 and sys.argv[1] in ('-h', '--help'):
        print(__doc__)
        return 0
    if len(sys.argv) != 2 or sys.argv[1].startswith('-'):
        print('check-lib-hygiene.py: %s (see --help)' % (
            "unknown option '%s'" % sys.argv[1] if len(sys.argv) == 2 else
            'one SOURCE_DIR expected'), file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    if not (root / 'sw' / 'lib').is_dir():
        print('check-lib-hygiene.py: %s has no sw/lib: not the source tree' % root,
              file=sys.stderr)
        return 2
    bad = []
    for area, exts in (('sw/lib', ('.c', '.h')), ('model', ('.c', '.cpp', '.h'))):
        for path in sorted((root / area).rglob('*')):
            if path.suffix not in exts:
                continue
            rel = path.relative_to(root).as_posix()
            lines = code_only(path.read_text(errors='replace')).split('\n')
            for n, line in enumerate(lines, 1):
                if FATAL.search(line):
                    bad.append(f'{rel}:{n}: abort/exit/assert in library code (return an error)')
                if area == 'sw/lib' and path.stem != 'hq_error' and PRINT.search(line):
                    bad.append(f'{rel}:{n}: prints outside hq_error (use hq_errf or hq_notef)')
                if area == 'sw/lib' and path.stem != 'hq_error' and ERRBUF.search(line):
                    bad.append(f'{rel}:{n}: formats an error without hq_errf')
    for b in bad:
        print(b)
    print(f'lib_hygiene: {len(bad)} problem(s)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
