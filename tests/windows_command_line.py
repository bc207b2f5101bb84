"""A Windows command line split into argv as the Microsoft C runtime splits it (for tests).

On Windows a program receives one command-line string; its C start-up code (the UCRT that
python.exe is built with; CommandLineToArgvW follows the same rules) cuts it into argv.  The
rules, from Microsoft's "Parsing C++ command-line arguments":

* argv[0], the program, ends at the first space or tab outside double quotes; quotes only
  group there, and backslashes are literal.
* After it, arguments are separated by spaces and tabs outside double quotes.
* A double quote (``"``) starts or ends a quoted part; the quote itself is not kept.
* 2N backslashes followed by a quote: N backslashes, and the quote starts or ends a quoted part.
* 2N+1 backslashes followed by a quote: N backslashes and a literal quote (``\\"``).
* Backslashes not followed by a quote are literal.
* Inside a quoted part, two quotes (``""``) are one literal quote and end the quoted part (the
  documentation's example ``a"b"" c d`` gives ``ab"``, ``c``, ``d``; the pre-2008 runtime
  stayed quoted).
* A quoted part not closed by the end of the line runs to the end of the line.

So ``"E:\\"`` typed for the folder E:\\ arrives as ``E:"``, and a quoted folder ending in a
backslash in the middle of a command swallows the rest: the trap clinic_app.cli mends.
"""

from __future__ import annotations

_BLANKS = " \t"


def windows_argv(command_line: str) -> list[str]:
    """argv, program first, for ``command_line`` as a Windows C program gets it."""
    line, i, n = command_line, 0, len(command_line)
    program: list[str] = []
    quoted = False
    while i < n and (quoted or line[i] not in _BLANKS):
        if line[i] == '"':
            quoted = not quoted
        else:
            program.append(line[i])
        i += 1
    argv = ["".join(program)]
    while True:
        while i < n and line[i] in _BLANKS:
            i += 1
        if i >= n:
            return argv
        arg: list[str] = []
        quoted = False
        while i < n and (quoted or line[i] not in _BLANKS):
            if line[i] == "\\":
                end = i
                while end < n and line[end] == "\\":
                    end += 1
                count = end - i
                if end < n and line[end] == '"':
                    arg.append("\\" * (count // 2))
                    if count % 2:  # the last backslash makes the quote literal
                        arg.append('"')
                        end += 1
                    # with an even count the quote is left for the next turn, as a delimiter
                else:
                    arg.append("\\" * count)
                i = end
            elif line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    quoted = False
                    i += 2
                else:
                    quoted = not quoted
                    i += 1
            else:
                arg.append(line[i])
                i += 1
        argv.append("".join(arg))
