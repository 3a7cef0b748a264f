"""Prints one closing line over every JUnit report: 'tests: N passed, N failed, N skipped'.

A missing report or a run with no test at all counts as a failure, so a broken
runner can never look green.
"""
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
ok = True
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        print(f"report {path} unreadable: {err}")
        ok = False
        continue
    cases = list(root.iter("testcase"))
    if not cases:
        print(f"report {path} has no test cases")
        ok = False
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(0 if ok and failed == 0 else 1)
