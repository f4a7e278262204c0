"""Open a report in a real headless browser with the network off: do its pages load, are its
tables interactive, and do they sort?

    python tools/check_report.py output/report-NAME [--browser /usr/bin/chromium]    # make check-report

Needs Playwright (``pip install -e .[browser]``) and a Chromium: Debian's ``chromium`` package,
or ``playwright install chromium``. Every request that is not a local file is refused and
counted, so a page that needed the network shows it. For every notebook page of the report it
prints how many interactive tables started, how many static tables were left (a table whose
script failed stays static), the requests refused and the script errors; then it sorts a table
by a numeric column, both ways, and checks the order, and filters a long table with its search box. Exits 1 if anything
failed.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def check(report: Path, browser_path: str | None) -> bool:
    from playwright.sync_api import sync_playwright

    pages = [report / "index.html", *sorted((report / "html").glob("*.html"))]
    ok = True
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, headless=True)
        context = browser.new_context(offline=True)
        refused: list[str] = []
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "blob:", "data:"))
                      else (refused.append(route.request.url), route.abort()))
        sorted_once = filtered_once = False
        for path in pages:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            refused.clear()
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(1500)
            rendered = page.locator("h1").count() > 0 and len(page.inner_text("body")) > 200
            interactive = page.locator("table.dataTable").count()
            waiting = page.locator("table[id^=itables_][hidden]").count()
            print(f"{path.relative_to(report)}: {'rendered' if rendered else 'NOT RENDERED'}, {interactive} interactive "
                  f"tables, {waiting} left static, {len(refused)} network requests refused, {len(errors)} script errors")
            ok &= rendered and not errors and not refused and not waiting
            if interactive and not filtered_once:
                result = filters(page)
                if result is not None:
                    ok &= result
                    filtered_once = True
            if interactive and not sorted_once:
                result = sorts(page)
                if result is not None:
                    ok &= result
                    sorted_once = True
            page.close()
        browser.close()
    if not sorted_once:
        print("no interactive table with a numeric column of three values or more: sorting not checked")
    if not filtered_once:
        print("no interactive table longer than its page (with a search box): filtering not checked")
    return ok and sorted_once and filtered_once


def filters(page) -> bool | None:
    """Type a word of a table's first row into its search box: every row left must hold it, and
    fewer rows than before are listed. None when no table of the page is longer than its page."""
    for number in range(page.locator("table.dataTable").count()):
        table = page.locator("table.dataTable").nth(number)
        box = table.locator("xpath=ancestor::div[contains(@class, 'dt-container')]").locator("input[type=search]")
        if not box.count():
            continue
        words = [w.strip() for w in table.locator("tbody tr").first.locator("td").all_inner_texts()]
        query = next((w for w in words if len(w) >= 2 and _number(w) is None), None)
        if query is None:
            continue
        info = table.locator("xpath=ancestor::div[contains(@class, 'dt-container')]").locator(".dt-info")
        before = info.inner_text() if info.count() else ""
        box.first.fill(query)
        page.wait_for_timeout(500)
        rows = table.locator("tbody tr").all_inner_texts()
        after = info.inner_text() if info.count() else ""
        good = bool(rows) and all(query in row for row in rows) and after != before
        print(f"filtering table {number + 1} for {query!r}: {'every row shown holds it' if good else 'NOT filtered'} "
              f"({after or len(rows)})")
        return good
    return None


def sorts(page) -> bool | None:
    """Click twice the header of the first numeric column (three values or more) of an interactive
    table of the page: the column must come out ascending, then descending (numbers, so that the
    browser's collation of Chinese text does not enter). None when the page has no such column."""
    for number in range(page.locator("table.dataTable").count()):
        table = page.locator("table.dataTable").nth(number)
        headers = table.locator("thead th")
        for index in range(headers.count()):
            cells = table.locator(f"tbody tr td:nth-child({index + 1})")
            values = [_number(v) for v in cells.all_inner_texts()]
            if None not in values and len(set(values)) >= 3:
                break
        else:
            continue
        break
    else:
        return None
    runs = []
    for _ in range(2):
        button = headers.nth(index).locator(".dt-column-order")  # DataTables 2 sorts from this button
        (button if button.count() else headers.nth(index)).click()
        page.wait_for_timeout(300)
        runs.append([_number(v) for v in cells.all_inner_texts()])
    good = runs[0] != runs[1] and any(r == sorted(r) for r in runs) and any(r == sorted(r, reverse=True) for r in runs)
    print(f"sorting table {number + 1} by {headers.nth(index).inner_text().strip()!r}: "
          f"{'ascending and descending, as clicked' if good else 'NOT sorted'} ({len(runs[0])} rows shown)")
    return bool(good)


def _number(value: str):
    try:
        return float(value.strip().replace(",", ""))
    except ValueError:
        return None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="a folder written by make report (output/report-NAME)")
    parser.add_argument("--browser", default=shutil.which("chromium") or shutil.which("chromium-browser"),
                        help="the Chromium to drive (default: chromium on the PATH, else Playwright's own)")
    args = parser.parse_args(argv)
    if not (args.report / "index.html").is_file():
        sys.exit(f"{args.report}: no index.html here; make one with: make report CORPUS=path")
    sys.exit(0 if check(args.report, args.browser) else 1)


if __name__ == "__main__":
    main()
