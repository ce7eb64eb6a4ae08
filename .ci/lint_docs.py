"""Lint the Python code blocks of README.rst and docs/*.rst with ruff (run by .ci/lint).

Every ``.. code-block:: python`` block is written to a file of its own in a
temporary directory and checked with the project's ruff configuration
(pyproject.toml); the findings are printed against the .rst file and line the
block starts at. Blocks are fragments of a page, so one rule is relaxed for
them: E402 (an import after code), which the deployment examples need for
gevent's and eventlet's monkey-patching before any other import.

Usage: python .ci/lint_docs.py RUFF_EXECUTABLE
Exit status: ruff's (0 when every block is clean).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK_START = re.compile(r'^(\s*)\.\. code-block:: python3?\s*$')
IGNORED_IN_BLOCKS = ['E402']


def python_blocks(path):
    """Yield (line number of the block's first code line, code) for each Python block."""
    with open(path, encoding='utf8') as source:
        lines = source.read().split('\n')
    index = 0
    while index < len(lines):
        match = BLOCK_START.match(lines[index])
        index += 1
        if not match:
            continue
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index == len(lines):
            break
        first = index
        indent = len(lines[index]) - len(lines[index].lstrip())
        if indent <= len(match.group(1)):
            continue  # an empty block
        code = []
        while index < len(lines) and (not lines[index].strip() or
                                      len(lines[index]) - len(lines[index].lstrip()) >= indent):
            code.append(lines[index][indent:])
            index += 1
        yield first + 1, '\n'.join(code).rstrip() + '\n'


def main(ruff):
    ruff = os.path.abspath(ruff) if os.sep in ruff else ruff
    documents = [os.path.join(ROOT, 'README.rst')] + sorted(
        glob.glob(os.path.join(ROOT, 'docs', '*.rst')))
    with tempfile.TemporaryDirectory(prefix='bottle-doc-blocks-') as workdir:
        origins = {}
        for document in documents:
            relative = os.path.relpath(document, ROOT)
            for line, code in python_blocks(document):
                name = 'block_%03d.py' % len(origins)
                with open(os.path.join(workdir, name), 'w', encoding='utf8') as block:
                    block.write(code)
                origins[name] = (relative, line)
        done = subprocess.run(
            [ruff, 'check', '--config', os.path.join(ROOT, 'pyproject.toml'), '--no-cache',
             '--output-format', 'concise', '--extend-ignore', ','.join(IGNORED_IN_BLOCKS),
             '.'], cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        finding = re.compile(r'^(?:\./)?(block_\d+\.py):(\d+):(\d+): (.*)$')
        for text in done.stdout.splitlines():
            match = finding.match(text)
            if match and match.group(1) in origins:
                document, first = origins[match.group(1)]
                print('%s:%d:%s: %s (code block starting at line %d)' % (
                    document, first + int(match.group(2)) - 1, match.group(3), match.group(4),
                    first))
            elif text.strip() and not text.startswith('All checks passed'):
                print(text)
        print('docs: %d Python code blocks in %d files checked' % (len(origins), len(documents)))
        return done.returncode


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
