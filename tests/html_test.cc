// Tests of the HTML report: structure of the page and its plots, and that a
// real browser (headless Chromium) renders them.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "decide_fixtures.h"
#include "reports/html.h"
#include "reports/merge.h"

namespace actbench {
namespace {

namespace fs = std::filesystem;
using testing::FixtureReport;

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// The text of each <section class="activation" ...> up to the next one.
std::vector<std::string> Sections(const std::string& html) {
  std::vector<std::string> out;
  const std::string open = "<section class=\"activation\"";
  for (size_t at = html.find(open); at != std::string::npos;) {
    const size_t next = html.find(open, at + 1);
    out.push_back(html.substr(at, next == std::string::npos ? std::string::npos : next - at));
    at = next;
  }
  return out;
}

// What every activation section of the fixture must hold, in the page as
// written and in the DOM a browser builds from it.
void CheckSections(const std::string& html, size_t machines) {
  const std::vector<std::string> sections = Sections(html);
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_NE(sections[0].find("data-activation=\"sigmoid\""), std::string::npos);
  EXPECT_NE(sections[1].find("data-activation=\"gelu\""), std::string::npos);
  for (const std::string& s : sections) {
    EXPECT_EQ(Count(s, "<svg"), 3u);
    EXPECT_EQ(Count(s, "<svg class=\"pareto\""), 1u);
    EXPECT_EQ(Count(s, "<svg class=\"error-vs-input\""), 1u);
    EXPECT_EQ(Count(s, "<svg class=\"throughput-bars\""), 1u);
    EXPECT_EQ(Count(s, "class=\"frontier\""), machines) << "one frontier per machine";
    EXPECT_GE(Count(s, "class=\"error-line\""), 2u);
    EXPECT_EQ(Count(s, "</svg>"), 3u);
    EXPECT_NE(s.find("<table class=\"rows\">"), std::string::npos);
  }
  // sigmoid: 6 rows, all timed and scored: 6 points, 6 bars per machine.
  EXPECT_EQ(Count(sections[0], "class=\"point\""), 5 * machines);
  EXPECT_EQ(Count(sections[0], "class=\"point contract-failed\""), 1 * machines);  // textbook
  EXPECT_EQ(Count(sections[0], "<rect class=\"bar\""), 6 * machines);
  // textbook has infinite ULP: drawn at the ceiling marked inf.
  EXPECT_NE(sections[0].find(">inf</text>"), std::string::npos);
  // Lines: one per variant on the best target (AVX3 over AVX2).
  EXPECT_EQ(Count(sections[0], "class=\"error-line\""), 4 * machines);
  EXPECT_NE(sections[0].find("data-row=\"sigmoid/rr2-p7-div@AVX3\""), std::string::npos);
  EXPECT_EQ(Count(sections[0], "class=\"error-line\" data-row=\"sigmoid/rr2-p7-div@AVX2\""), 0u);
}

TEST(Html, SelfContainedPageWithThreePlotsPerActivation) {
  const std::string html = RenderHtml(FixtureReport());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  CheckSections(html, 1);
  // Nothing fetched at view time: no scripts, no external references.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  // The frontier of sigmoid runs through f64 (0.5 ULP), rr2-p7-div@AVX3 and
  // rr1-p6-nr1@AVX3; the AVX2 rows lie below it.
  const std::string s = Sections(html)[0];
  const size_t pareto = s.find("<svg class=\"pareto\"");
  const std::string plot = s.substr(pareto, s.find("</svg>", pareto) - pareto);
  for (const char* on : {"f64@baseline", "rr2-p7-div@AVX3", "rr1-p6-nr1@AVX3"})
    EXPECT_NE(plot.find(std::string(">") + on + "</text>"), std::string::npos) << on;
  for (const char* off : {"rr2-p7-div@AVX2", "rr1-p6-nr1@AVX2", "textbook@baseline"})
    EXPECT_EQ(plot.find(std::string(">") + off + "</text>"), std::string::npos) << off;
  // The summary answers "fastest sigmoid within 2 ULP".
  EXPECT_NE(html.find("rr2-p7-div@AVX3 <span class=\"dim\">4.00 G/s</span>"), std::string::npos);
  // The gelu table shows what tanh-form costs against exact gelu.
  EXPECT_NE(Sections(html)[1].find("gelu: max ULP 900"), std::string::npos);
}

TEST(Html, EscapesTextFromTheReport) {
  Report r = FixtureReport();
  r.rows[0].description = "<script>alert(1)</script> & \"q\"";
  r.machine["cpu"]["model"] = "<b>CPU</b>";
  const std::string html = RenderHtml(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>CPU"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;CPU&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(HtmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST(Html, MergedReportShowsMachinesSideBySide) {
  const Report m = MergeReports({FixtureReport("host-a", "CPU A"), FixtureReport("host-b", "CPU B")}, {"a", "b"});
  const std::string html = RenderHtml(m);
  CheckSections(html, 2);
  const size_t table = html.find("<table class=\"machines\">");
  ASSERT_NE(table, std::string::npos);
  const std::string machines = html.substr(table, html.find("</table>", table) - table);
  EXPECT_NE(machines.find("<th>m1</th><th>m2</th>"), std::string::npos) << machines;
  EXPECT_NE(machines.find("CPU A"), std::string::npos);
  EXPECT_NE(machines.find("CPU B"), std::string::npos);
  // The row tables have a machine column.
  EXPECT_NE(Sections(html)[0].find("<th>machine</th>"), std::string::npos);
}

TEST(Html, ReportsWithoutDataStillHaveEveryPlot) {
  Report r = FixtureReport();
  for (ReportRow& row : r.rows) {
    row.bench.clear();
    row.accuracy.reset();
  }
  const std::string html = RenderHtml(r);
  for (const std::string& s : Sections(html)) {
    EXPECT_EQ(Count(s, "<svg"), 3u);
    EXPECT_EQ(Count(s, "class=\"frontier\""), 0u);
    EXPECT_NE(s.find("No row has both accuracy and L1 throughput."), std::string::npos);
  }
}

// ---------------------------------------------------------------------------
// A real browser: headless Chromium parses the page and dumps its DOM.

constexpr const char* kChromium = "/usr/bin/chromium";

TEST(HtmlInChromium, PlotsAreInTheRenderedDom) {
  if (::access(kChromium, X_OK) != 0)
    GTEST_SKIP() << kChromium << " is not installed (Debian package chromium; scripts/bootstrap installs it): "
                                 "the browser rendering check did not run";
  char tmpl[] = "/tmp/actbench_html_test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  const Report m = MergeReports({FixtureReport("host-a", "CPU A"), FixtureReport("host-b", "CPU B")}, {"a", "b"});
  const std::string page = (dir / "report.html").string();
  {
    std::ofstream f(page);
    f << RenderHtml(m);
  }
  // Its own profile directory and HOME, so it neither reads nor writes the
  // user's; killed after 60 s whatever happens.
  const std::string cmd = "cd " + dir.string() + " && HOME=" + dir.string() + " timeout 60 " + kChromium +
                          " --headless --disable-gpu --no-sandbox --no-first-run --user-data-dir=" +
                          (dir / "profile").string() + " --dump-dom file://" + page + " > " +
                          (dir / "dom.html").string() + " 2> " + (dir / "chromium.log").string();
  const int status = std::system(cmd.c_str());
  std::ifstream dom_in(dir / "dom.html"), log_in(dir / "chromium.log");
  std::stringstream dom, log;
  dom << dom_in.rdbuf();
  log << log_in.rdbuf();
  fs::remove_all(dir);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "chromium failed (status " << status << "):\n" << log.str().substr(0, 3000);
  // The DOM as Chromium built it: every section and plot survived parsing
  // (an unescaped '<' or a broken tag would reshape or drop them).
  ASSERT_NE(dom.str().find("<section class=\"activation\""), std::string::npos) << dom.str().substr(0, 2000);
  CheckSections(dom.str(), 2);
}

}  // namespace
}  // namespace actbench
