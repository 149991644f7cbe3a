#!/usr/bin/python3
"""The shape the code keeps (docs/architecture.md, "Folders" and "Size"), checked on the
source tree: no source file over 300 lines and no function over 60 in framework/,
plugins/ and sdk/; no framework/engine/; every framework folder includes only itself and
the folders it uses, as framework/CMakeLists.txt declares them (the build refuses the
others too; this names every offender at once). Exits 1 naming each breach.

    code_shape.py <repository root>
"""
import os
import re
import sys

MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60
CONTAINER = re.compile(r"\b(namespace|class|struct|union|enum)\b[^()]*$|extern\s+\"C\"\s*$")


def code_only(text):
    """The text with comments, string and character literals blanked, lines kept."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|R"(\w*)\(.*?\)\1"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def long_functions(text):
    """(first line, lines) of each function body longer than MAX_FUNCTION_LINES. A body is
    a brace block opened after a parenthesis at namespace or class level; blocks inside
    it (lambdas, loops) count towards it."""
    code = code_only(text)
    stack, found, head_start = [], [], 0
    for i, ch in enumerate(code):
        if ch == "{":
            head = code[head_start:i]
            in_function = any(kind == "function" for kind, _ in stack)
            if in_function:
                kind = "block"
            elif CONTAINER.search(head.strip()) or "(" not in head:
                kind = "container" if CONTAINER.search(head.strip()) else "block"
            else:
                kind = "function"
            stack.append((kind, code.count("\n", 0, i) + 1))
            head_start = i + 1
        elif ch == "}":
            if stack:
                kind, first = stack.pop()
                last = code.count("\n", 0, i) + 1
                if kind == "function" and last - first + 1 > MAX_FUNCTION_LINES:
                    found.append((first, last - first + 1))
            head_start = i + 1
        elif ch == ";":
            head_start = i + 1
    return found


def sources(root, folders):
    for folder in folders:
        for base, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp", ".h", ".cpp.in")):
                    yield os.path.join(base, name)


def declared_uses(root):
    """{folder: folders it uses} from framework/CMakeLists.txt's crackkd_framework_folder calls."""
    text = open(os.path.join(root, "framework", "CMakeLists.txt")).read()
    uses = {}
    for m in re.finditer(r"crackkd_framework_folder\((\w+)(.*?)\)\n", text, re.S):
        words = m.group(2).split()
        listed = words[words.index("USES") + 1:] if "USES" in words else []
        for i, w in enumerate(listed):
            if w in ("PUBLIC", "PRIVATE", "SOURCES"):
                listed = listed[:i]
                break
        uses[m.group(1)] = set(listed)
    return uses


def reachable(uses, folder):
    seen, todo = set(), [folder]
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo.extend(uses.get(f, ()))
    return seen


def layering_breaches(root):
    uses = declared_uses(root)
    framework = os.path.join(root, "framework")
    breaches = []
    for path in sources(root, ["framework"]):
        folder = os.path.relpath(path, framework).split(os.sep)[0]
        if folder not in uses:
            continue
        allowed = reachable(uses, folder)
        for n, line in enumerate(open(path), 1):
            m = re.match(r'\s*#\s*include\s+"(\w+)/', line)
            if m and m.group(1) in uses and m.group(1) not in allowed:
                breaches.append(f"{os.path.relpath(path, root)}:{n}: includes {m.group(1)}/, which framework/{folder} "
                                f"does not use (framework/CMakeLists.txt)")
    missing = sorted(d for d in os.listdir(framework)
                     if os.path.isdir(os.path.join(framework, d)) and d not in uses)
    breaches += [f"framework/{d}/: a folder without its crackkd_framework_folder() in framework/CMakeLists.txt"
                 for d in missing]
    return breaches


def main(root):
    problems = []
    if os.path.isdir(os.path.join(root, "framework", "engine")):
        problems.append("framework/engine/ exists: its parts live in folders named for what they hold")
    for path in sources(root, ["framework", "plugins", "sdk"]):
        text = open(path, encoding="utf-8").read()
        rel = os.path.relpath(path, root)
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
        for first, length in long_functions(text):
            problems.append(f"{rel}:{first}: a function of {length} lines (at most {MAX_FUNCTION_LINES})")
    problems += layering_breaches(root)
    for p in problems:
        print(p)
    print(f"{len(problems)} breach(es) of the code's shape" if problems else "the code keeps its shape")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.getcwd()))
