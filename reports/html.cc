// HTML report. Every plot is an inline <svg> built from the report model, with
// a <title> per mark for hover text. Scales are logarithmic where the data
// spans decades (throughput, ULP); ULP 0 is drawn at a floor and infinite ULP
// at a ceiling marked "inf", so no row is ever left out of a plot silently.
#include "reports/html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "reports/pick.h"

namespace actbench {

using nlohmann::json;

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"};
constexpr size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];

std::string Color(size_t i) { return kPalette[i % kPaletteSize]; }

std::string Ulp(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", v);
}

std::string Gps(double eps) { return fmt::format("{:.2f}", eps / 1e9); }

// A marker shape per machine: circle, square, triangle, diamond.
std::string Marker(size_t machine, double x, double y, const std::string& attrs) {
  switch (machine % 4) {
    case 0: return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" {}>", x, y, attrs);
    case 1: return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"9\" height=\"9\" {}>", x - 4.5, y - 4.5, attrs);
    case 2:
      return fmt::format("<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" {}>", x, y - 6, x - 5.5,
                         y + 4, x + 5.5, y + 4, attrs);
    default:
      return fmt::format("<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" {}>", x,
                         y - 6, x + 6, y, x, y + 6, x - 6, y, attrs);
  }
}
std::string MarkerEnd(size_t machine) {
  switch (machine % 4) {
    case 0: return "</circle>";
    case 1: return "</rect>";
    default: return "</polygon>";
  }
}

// A logarithmic axis mapping [lo, hi] onto pixels [p0, p1].
struct LogScale {
  double lo, hi, p0, p1;
  double operator()(double v) const {
    const double t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return p0 + t * (p1 - p0);
  }
};

// Ticks for a log axis: powers of two when the range is narrow, else powers of ten.
std::vector<double> LogTicks(double lo, double hi) {
  std::vector<double> t;
  if (std::log2(hi / lo) <= 12) {
    for (double v = std::exp2(std::ceil(std::log2(lo) - 1e-9)); v <= hi * (1 + 1e-9); v *= 2) t.push_back(v);
  } else {
    for (double v = std::pow(10, std::ceil(std::log10(lo) - 1e-9)); v <= hi * (1 + 1e-9); v *= 10) t.push_back(v);
  }
  // At most about ten labelled ticks: keep every k-th.
  const size_t k = (t.size() + 9) / 10;
  if (k > 1) {
    std::vector<double> thin;
    for (size_t i = 0; i < t.size(); i += k) thin.push_back(t[i]);
    t = thin;
  }
  return t;
}

// Ticks for a throughput axis: 1, 2, 5 times powers of ten.
std::vector<double> ThroughputTicks(double lo, double hi) {
  std::vector<double> t;
  for (double d = std::pow(10, std::floor(std::log10(lo))); d <= hi; d *= 10) {
    for (double m : {1.0, 2.0, 5.0})
      if (d * m >= lo && d * m <= hi) t.push_back(d * m);
  }
  return t;
}

std::string TickText(double v) {
  if (v >= 1e-3 && v < 1e6) return fmt::format("{:g}", v);
  return fmt::format("{:.0e}", v);
}

// Log ticks of an error axis whose lowest value is a floor for smaller errors
// (0 included): the floor is always the first tick, labelled "<= floor".
std::vector<std::pair<double, std::string>> FloorTicks(double floor, double hi) {
  std::vector<std::pair<double, std::string>> t = {{floor, "≤" + TickText(floor)}};
  for (double v : LogTicks(floor, hi))
    if (v > floor * 1.5) t.push_back({v, TickText(v)});
  return t;
}

// The rows of one activation, in report order.
std::vector<const ReportRow*> RowsOf(const Report& r, const std::string& activation) {
  std::vector<const ReportRow*> rows;
  for (const ReportRow& row : r.rows)
    if (row.activation == activation) rows.push_back(&row);
  return rows;
}

// Variants of an activation, in report order; colour index by position.
std::vector<std::string> VariantsOf(const std::vector<const ReportRow*>& rows) {
  std::vector<std::string> v;
  for (const ReportRow* row : rows)
    if (std::find(v.begin(), v.end(), row->variant) == v.end()) v.push_back(row->variant);
  return v;
}

size_t IndexOf(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

constexpr double kW = 640, kH = 360, kLeft = 64, kRight = 16, kTop = 16, kBottom = 48;

std::string SvgOpen(const std::string& cls, double w, double h, const std::string& label) {
  return fmt::format(
      "<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">\n",
      cls, w, h, w, h, HtmlEscape(label));
}

std::string EmptyPlot(const std::string& cls, const std::string& label, const std::string& why) {
  return SvgOpen(cls + " empty", kW, 80, label) +
         fmt::format("<text x=\"{:.0f}\" y=\"44\" class=\"note\">{}</text>\n</svg>\n", kLeft, HtmlEscape(why));
}

// Axis frame, grid and labels.
std::string Frame(double x0, double x1, double y0, double y1) {
  return fmt::format("<rect class=\"frame\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n", x0,
                     y1, x1 - x0, y0 - y1);
}

std::string YTicks(const LogScale& y, const std::vector<std::pair<double, std::string>>& ticks, double x0,
                   double x1) {
  std::string s;
  for (const auto& [v, text] : ticks) {
    const double py = y(v);
    s += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                     "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                     x0, x1, py, py, x0 - 4, py + 4, HtmlEscape(text));
  }
  return s;
}

std::vector<std::pair<double, std::string>> Labelled(const std::vector<double>& ticks) {
  std::vector<std::pair<double, std::string>> t;
  for (double v : ticks) t.push_back({v, TickText(v)});
  return t;
}

// ---------------------------------------------------------------------------
// Pareto plot: x = max ULP (log, floor/ceiling), y = L1 G elem/s (log).

constexpr double kUlpFloor = 0.25;

struct Point {
  const ReportRow* row;
  double ulp;         // as measured (may be 0 or inf)
  double throughput;  // elements/s
};

std::string ParetoPlot(const Report& r, const std::string& activation, const std::vector<const ReportRow*>& rows,
                       const std::vector<std::string>& variants) {
  const std::string label = activation + ": L1 throughput against max ULP";
  std::vector<Point> pts;
  for (const ReportRow* row : rows) {
    if (!row->accuracy) continue;
    const std::optional<double> t = L1Throughput(*row);
    const double u = ActivationError(*row).max_ulp;
    if (t && !std::isnan(u)) pts.push_back({row, u, *t});
  }
  if (pts.empty()) return EmptyPlot("pareto", label, "No row has both accuracy and L1 throughput.");

  double max_finite = 8, tmin = pts[0].throughput, tmax = pts[0].throughput;
  bool any_inf = false;
  for (const Point& p : pts) {
    if (std::isinf(p.ulp)) any_inf = true;
    else max_finite = std::max(max_finite, p.ulp * 2);
    tmin = std::min(tmin, p.throughput);
    tmax = std::max(tmax, p.throughput);
  }
  const double x0 = kLeft, x1 = kW - kRight - (any_inf ? 48 : 0), y0 = kH - kBottom, y1 = kTop;
  const LogScale x{kUlpFloor, max_finite, x0, x1};
  const LogScale y{tmin / 1.6 / 1e9, tmax * 1.6 / 1e9, y0, y1};
  const double inf_x = kW - kRight - 20;
  auto px = [&](double u) { return std::isinf(u) ? inf_x : x(std::max(u, kUlpFloor)); };
  auto py = [&](double t) { return y(t / 1e9); };

  std::string s = SvgOpen("pareto", kW, kH, label);
  s += Frame(x0, x1, y0, y1);
  s += YTicks(y, Labelled(ThroughputTicks(y.lo, y.hi)), x0, x1);
  for (const auto& [v, text] : FloorTicks(kUlpFloor, max_finite)) {
    s += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
                     "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                     x(v), y0, y1, y0 + 16, HtmlEscape(text));
  }
  if (any_inf) {
    s += fmt::format("<line class=\"grid inf\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
                     "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">inf</text>\n",
                     inf_x, y0, y1, y0 + 16);
  }
  s += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">max ULP error over the "
                   "sweep (log; lower is better)</text>\n",
                   (x0 + x1) / 2, kH - 8);
  s += fmt::format("<text class=\"axis\" transform=\"translate(14 {:.1f}) rotate(-90)\" text-anchor=\"middle\">L1 "
                   "G elem/s (log; higher is better)</text>\n",
                   (y0 + y1) / 2);

  // Frontier per machine: not beaten by any point with lower-or-equal error
  // and higher throughput. Drawn as a staircase through those points.
  for (size_t m = 0; m < r.MachineCount(); ++m) {
    std::vector<Point> mine;
    for (const Point& p : pts)
      if (p.row->machine == m && p.row->accuracy->contract.pass) mine.push_back(p);
    std::sort(mine.begin(), mine.end(), [](const Point& a, const Point& b) {
      return a.ulp != b.ulp ? a.ulp < b.ulp : a.throughput > b.throughput;
    });
    std::vector<Point> frontier;
    for (const Point& p : mine)
      if (frontier.empty() || p.throughput > frontier.back().throughput) frontier.push_back(p);
    if (frontier.empty()) continue;
    std::string d = fmt::format("M{:.1f},{:.1f}", px(frontier[0].ulp), py(frontier[0].throughput));
    for (size_t i = 1; i < frontier.size(); ++i)
      d += fmt::format(" H{:.1f} V{:.1f}", px(frontier[i].ulp), py(frontier[i].throughput));
    d += fmt::format(" H{:.1f}", std::isinf(frontier.back().ulp) ? inf_x : x1);
    s += fmt::format("<path class=\"frontier\" data-machine=\"{}\" d=\"{}\"><title>Pareto frontier{}</title></path>\n",
                     m, d, r.MachineCount() > 1 ? ": " + HtmlEscape(MachineName(r.machines[m])) : "");
    for (const Point& p : frontier) {
      std::string text = p.row->variant + "@" + p.row->target;
      const bool right_half = px(p.ulp) > (x0 + x1) / 2;
      s += fmt::format("<text class=\"point-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>\n",
                       px(p.ulp) + (right_half ? -7 : 7), py(p.throughput) - 6, right_half ? "end" : "start",
                       HtmlEscape(text));
    }
  }
  for (const Point& p : pts) {
    const std::string title = fmt::format("{}: max ULP {}, {} G elem/s{}{}", p.row->label(), Ulp(p.ulp),
                                          Gps(p.throughput), p.row->accuracy->contract.pass ? "" : ", contract FAILED",
                                          r.MachineCount() > 1 ? ", " + MachineName(r.MachineOf(*p.row)) : "");
    // Contract failures are hollow: they are never on the frontier.
    const std::string color = Color(IndexOf(variants, p.row->variant));
    // Peer rows (SLEEF, Eigen, oneDNN, XNNPACK) carry a black ring.
    const bool peer = p.row->is_peer();
    const std::string peer_title = peer ? " (peer: " + p.row->peer_text() + ")" : "";
    s += Marker(p.row->machine, px(p.ulp), py(p.throughput),
                p.row->accuracy->contract.pass
                    ? fmt::format("class=\"point{}\" fill=\"{}\"{}", peer ? " peer" : "", color,
                                  peer ? " stroke=\"#000\" stroke-width=\"2\"" : "")
                    : fmt::format("class=\"point contract-failed{}\" fill=\"none\" stroke=\"{}\"{}",
                                  peer ? " peer" : "", color, peer ? " stroke-width=\"2\"" : "")) +
         "<title>" + HtmlEscape(title + peer_title) + "</title>" + MarkerEnd(p.row->machine) + "\n";
  }
  s += "</svg>\n";
  return s;
}

// ---------------------------------------------------------------------------
// Max ULP per input binade, one line per variant on the best target.

constexpr double kErrFloor = 1.0 / 16;

std::string BinadeText(size_t i) {
  const int e = BinadeExponent(i);
  const std::string mag = e == 0 ? "1" : fmt::format("2^{}", e);
  return (BinadeNegative(i) ? "-" : "") + mag;
}

// The rows drawn in the error plot: per machine and variant, the row on the
// best target that machine supports (its first in targets.supported), or the
// variant's only row ("baseline" scalar code).
std::vector<const ReportRow*> BestTargetRows(const Report& r, const std::vector<const ReportRow*>& rows) {
  std::vector<const ReportRow*> out;
  std::map<std::pair<size_t, std::string>, std::pair<size_t, const ReportRow*>> best;  // rank, row
  std::vector<std::pair<size_t, std::string>> order;
  for (const ReportRow* row : rows) {
    if (!row->accuracy || ActivationError(*row).binade_max_ulp.size() != kBinadeCount) continue;
    const json& m = r.MachineOf(*row);
    size_t rank = 1000;
    if (m.is_object() && m.contains("targets") && m["targets"].is_object() && m["targets"].contains("supported") &&
        m["targets"]["supported"].is_array()) {
      const json& sup = m["targets"]["supported"];
      for (size_t i = 0; i < sup.size(); ++i)
        if (sup[i].is_string() && sup[i].get<std::string>() == row->target) rank = i;
    }
    const auto key = std::make_pair(row->machine, row->variant);
    auto it = best.find(key);
    if (it == best.end()) {
      order.push_back(key);
      best.emplace(key, std::make_pair(rank, row));
    } else if (rank < it->second.first) {
      it->second = {rank, row};
    }
  }
  for (const auto& k : order) out.push_back(best[k].second);
  return out;
}

std::string ErrorPlot(const Report& r, const std::string& activation, const std::vector<const ReportRow*>& rows,
                      const std::vector<std::string>& variants) {
  const std::string label = activation + ": max ULP per input binade";
  const std::vector<const ReportRow*> lines = BestTargetRows(r, rows);
  if (lines.empty()) return EmptyPlot("error-vs-input", label, "No per-binade errors in this report.");

  // Only the binades any input fell in.
  size_t first = kBinadeCount, last = 0;
  double max_finite = 4;
  bool any_inf = false;
  for (const ReportRow* row : lines) {
    const std::vector<double>& b = ActivationError(*row).binade_max_ulp;
    for (size_t i = 0; i < kBinadeCount; ++i) {
      if (std::isnan(b[i])) continue;
      first = std::min(first, i);
      last = std::max(last, i);
      if (std::isinf(b[i])) any_inf = true;
      else max_finite = std::max(max_finite, b[i] * 2);
    }
  }
  if (first > last) return EmptyPlot("error-vs-input", label, "No per-binade errors in this report.");
  const double x0 = kLeft, x1 = kW - kRight, y0 = kH - kBottom, y1 = kTop + (any_inf ? 24 : 0);
  const double inf_y = kTop + 6;
  const LogScale y{kErrFloor, max_finite, y0, y1};
  auto px = [&](size_t i) {
    return last == first ? (x0 + x1) / 2
                         : x0 + (x1 - x0) * static_cast<double>(i - first) / static_cast<double>(last - first);
  };
  auto py = [&](double u) { return std::isinf(u) ? inf_y : y(std::max(u, kErrFloor)); };

  std::string s = SvgOpen("error-vs-input", kW, kH, label);
  s += Frame(x0, x1, y0, y1);
  s += YTicks(y, FloorTicks(kErrFloor, max_finite), x0, x1);
  if (any_inf)
    s += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">inf</text>\n", x0 - 4,
                     inf_y + 4);
  // X ticks: every 20th exponent, and 0 between the two binades of the zeros.
  auto xtick = [&](double at, const std::string& text) {
    s += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
                     "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                     at, y0, y1, y0 + 16, HtmlEscape(text));
  };
  for (size_t i = first; i <= last; ++i) {
    const int e = BinadeExponent(i);
    if (e % 20 == 0 && e != kBinadeExpLo) xtick(px(i), BinadeText(i));
    if (i + 1 <= last && BinadeNegative(i) && !BinadeNegative(i + 1)) xtick((px(i) + px(i + 1)) / 2, "0");
  }
  s += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">input binade: sign × "
                   "2^floor(log2|x|), clamped to 2^±{} (±0 holds |x| &lt; 2^{})</text>\n",
                   (x0 + x1) / 2, kH - 8, kBinadeExpHi, kBinadeExpLo + 1);
  s += fmt::format("<text class=\"axis\" transform=\"translate(14 {:.1f}) rotate(-90)\" text-anchor=\"middle\">max "
                   "ULP in the binade (log)</text>\n",
                   (y0 + y1) / 2);
  for (const ReportRow* row : lines) {
    const std::vector<double>& b = ActivationError(*row).binade_max_ulp;
    std::string d;
    bool pen = false;
    for (size_t i = first; i <= last; ++i) {
      if (std::isnan(b[i])) {
        pen = false;
        continue;
      }
      d += fmt::format("{}{:.1f},{:.1f} ", pen ? "L" : "M", px(i), py(b[i]));
      pen = true;
    }
    const std::string title =
        row->label() + (r.MachineCount() > 1 ? " on " + MachineName(r.MachineOf(*row)) : std::string());
    s += fmt::format("<path class=\"error-line\" data-row=\"{}\" stroke=\"{}\"{} d=\"{}\"><title>{}</title></path>\n",
                     HtmlEscape(row->label()), Color(IndexOf(variants, row->variant)),
                     row->machine ? fmt::format(" stroke-dasharray=\"{}\"", 3 + 3 * row->machine) : "", d,
                     HtmlEscape(title));
  }
  s += "</svg>\n";
  return s;
}

// ---------------------------------------------------------------------------
// Horizontal bars: L1 throughput per target (and machine), grouped by variant.

std::string BarChart(const Report& r, const std::string& activation, const std::vector<const ReportRow*>& rows,
                     const std::vector<std::string>& variants, const std::vector<std::string>& targets) {
  const std::string label = activation + ": L1 throughput per target";
  std::vector<const ReportRow*> timed;
  double tmax = 0;
  for (const ReportRow* row : rows) {
    if (const std::optional<double> t = L1Throughput(*row)) {
      timed.push_back(row);
      tmax = std::max(tmax, *t);
    }
  }
  if (timed.empty()) return EmptyPlot("throughput-bars", label, "No L1 throughput in this report.");
  const double bar = 14, gap = 10, label_w = 250, x0 = label_w, x1 = kW + 160 - 70;
  double h = kTop + 30;
  for (const std::string& v : variants) {
    size_t n = 0;
    for (const ReportRow* row : timed) n += row->variant == v;
    if (n) h += static_cast<double>(n) * bar + gap;
  }
  const double w = kW + 160;
  std::string s = SvgOpen("throughput-bars", w, h, label);
  double yy = kTop;
  s += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\">L1 G elem/s (linear), one bar per "
                   "target{}</text>\n",
                   x0, yy + 4, r.MachineCount() > 1 ? " and machine" : "");
  yy += 16;
  for (const std::string& v : variants) {
    std::vector<const ReportRow*> mine;
    for (const ReportRow* row : timed)
      if (row->variant == v) mine.push_back(row);
    if (mine.empty()) continue;
    std::stable_sort(mine.begin(), mine.end(), [&](const ReportRow* a, const ReportRow* b) {
      return IndexOf(targets, a->target) != IndexOf(targets, b->target)
                 ? IndexOf(targets, a->target) < IndexOf(targets, b->target)
                 : a->machine < b->machine;
    });
    for (const ReportRow* row : mine) {
      const double t = *L1Throughput(*row);
      const double len = (x1 - x0) * t / tmax;
      std::string name = v + "@" + row->target;
      if (r.MachineCount() > 1) name += fmt::format(" [m{}]", row->machine + 1);
      s += fmt::format("<text class=\"bar-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>"
                       "<rect class=\"bar\" data-row=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                       "height=\"{:.1f}\" fill=\"{}\"{}><title>{}: {} G elem/s</title></rect>"
                       "<text class=\"bar-value\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                       x0 - 6, yy + bar - 3, HtmlEscape(name), HtmlEscape(row->label()), x0, yy + 1,
                       std::max(len, 1.0), bar - 2, Color(IndexOf(variants, v)),
                       row->machine ? " fill-opacity=\"0.6\"" : "", HtmlEscape(row->label()), Gps(t),
                       x0 + std::max(len, 1.0) + 4, yy + bar - 3, Gps(t));
      yy += bar;
    }
    yy += gap;
  }
  s += "</svg>\n";
  return s;
}

// ---------------------------------------------------------------------------

std::string Legend(const Report& r, const std::vector<std::string>& variants) {
  std::string s = "<p class=\"legend\">";
  for (size_t i = 0; i < variants.size(); ++i)
    s += fmt::format("<span><i style=\"background:{}\"></i>{}</span> ", Color(i), HtmlEscape(variants[i]));
  if (r.MachineCount() > 1) {
    static const char* const kShapes[] = {"●", "■", "▲", "◆"};
    for (size_t m = 0; m < r.MachineCount(); ++m)
      s += fmt::format("<span>{} m{}: {}</span> ", kShapes[m % 4], m + 1, HtmlEscape(MachineName(r.machines[m])));
  }
  return s + "</p>\n";
}

std::string SizeThroughput(const ReportRow& row, const std::string& size) {
  for (const BenchResult& b : row.bench)
    if (b.size_label == size && std::isfinite(b.elements_per_second)) return Gps(b.elements_per_second);
  return "-";
}

std::string Table(const Report& r, const std::vector<const ReportRow*>& rows) {
  const bool merged = r.MachineCount() > 1;
  std::string s = "<table class=\"rows\">\n<thead><tr>";
  if (merged) s += "<th>machine</th>";
  s += "<th>variant@target</th><th>family</th><th>max ULP</th><th>mean ULP</th><th>promise</th><th>held</th>"
       "<th>contract</th><th>also scored against</th><th>L1 G/s</th><th>L2 G/s</th><th>DRAM G/s</th></tr></thead>"
       "\n<tbody>\n";
  for (const ReportRow* row : rows) {
    s += row->is_peer() ? "<tr class=\"peer\">" : "<tr>";
    if (merged) s += fmt::format("<td>m{}</td>", row->machine + 1);
    // A peer row names its library and version, and the creation cost of its
    // operator or primitive (timed apart from the throughput) as a tooltip.
    std::string family = row->family, creation;
    if (row->is_peer()) family += " (" + row->peer_text() + ")";
    if (row->is_user()) family = row->user_text();
    for (const BenchResult& b : row->bench)
      if (b.creation_ns > 0)
        creation += fmt::format("{}creation {:.1f} us at {}", creation.empty() ? "" : ", ", b.creation_ns / 1e3,
                                b.size_label);
    s += fmt::format("<td title=\"{}\">{}@{}</td><td{}>{}</td>", HtmlEscape(row->description),
                     HtmlEscape(row->variant), HtmlEscape(row->target),
                     creation.empty() ? "" : " title=\"" + HtmlEscape(creation + ", outside the timed loop") + "\"",
                     HtmlEscape(family));
    const bool promised = row->promise.promised;
    const bool whole = std::isinf(row->promise.domain_lo) && std::isinf(row->promise.domain_hi);
    std::string promise = promised ? "≤ " + Ulp(row->promise.max_ulp) : "none";
    if (promised && !whole)
      promise += fmt::format(" on [{}, {}]", Ulp(row->promise.domain_lo), Ulp(row->promise.domain_hi));
    if (row->accuracy) {
      const AccuracyResult& a = *row->accuracy;
      std::string also;
      for (const ErrorStats& e : a.also)
        also += fmt::format("{}{}: max ULP {}, max abs err {:.3g}", also.empty() ? "" : "; ", e.against,
                            Ulp(e.max_ulp), e.max_abs_err);
      s += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td title=\"{}\">{}</td><td{}>{}</td>"
                       "<td{}>{}</td><td>{}</td>",
                       Ulp(a.error.max_ulp), Ulp(a.error.mean_ulp), HtmlEscape(row->promise.note),
                       HtmlEscape(promise), !promised || a.promise_held ? "" : " class=\"bad\"",
                       !promised ? std::string("-")
                       : std::string(a.promise_held ? "yes" : "no") +
                             (whole && a.max_ulp_in_domain == a.error.max_ulp
                                  ? ""
                                  : " (" + Ulp(a.max_ulp_in_domain) + " in domain)"),
                       a.contract.pass ? "" : " class=\"bad\"",
                       a.contract.pass ? "pass" : fmt::format("fail ({})", a.contract.failures),
                       HtmlEscape(also.empty() ? "-" : also));
    } else {
      s += fmt::format("<td>-</td><td>-</td><td>{}</td><td>-</td><td>-</td><td>-</td>", HtmlEscape(promise));
    }
    for (const char* size : {"L1", "L2", "DRAM"}) s += "<td class=\"num\">" + SizeThroughput(*row, size) + "</td>";
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

std::string Machines(const Report& r) {
  std::vector<json> ms;
  if (r.machines.empty()) ms.push_back(r.machine);
  else ms = r.machines;
  std::string s = "<table class=\"machines\">\n<thead><tr><th></th>";
  for (size_t m = 0; m < ms.size(); ++m)
    s += ms.size() > 1 ? fmt::format("<th>m{}</th>", m + 1) : std::string("<th>machine</th>");
  s += "</tr></thead>\n<tbody>\n";
  // The --machine-name of each machine, when any was named.
  bool named = false;
  for (const json& m : ms) named = named || (m.is_object() && m.contains("name") && m["name"].is_string());
  if (named) {
    s += "<tr><th>name</th>";
    for (const json& m : ms)
      s += "<td>" +
           HtmlEscape(m.is_object() && m.contains("name") && m["name"].is_string() ? m["name"].get<std::string>()
                                                                                   : "-") +
           "</td>";
    s += "</tr>\n";
  }
  const std::pair<const char*, std::vector<const char*>> fields[] = {
      {"CPU", {"cpu", "model"}},  {"host", {"hostname"}},  {"compiler", {"compiler"}},
      {"build", {"build_type"}},  {"commit", {"git", "commit"}}, {"date", {"date"}}};
  for (const auto& [name, path] : fields) {
    s += fmt::format("<tr><th>{}</th>", name);
    for (const json& m : ms) {
      const json* j = &m;
      std::string v = "unknown";
      bool ok = true;
      for (const char* k : path) {
        if (!j->is_object() || !j->contains(k)) {
          ok = false;
          break;
        }
        j = &(*j)[k];
      }
      if (ok) v = j->is_string() ? j->get<std::string>() : j->dump(-1, ' ', false, json::error_handler_t::replace);
      s += "<td>" + HtmlEscape(v) + "</td>";
    }
    s += "</tr>\n";
  }
  s += "<tr><th>peers</th>";
  for (const json& m : ms) {
    std::string t;
    if (m.is_object() && m.contains("peers") && m["peers"].is_object())
      for (const auto& [name, version] : m["peers"].items())
        t += (t.empty() ? "" : ", ") + name + " " + (version.is_string() ? version.get<std::string>() : "unknown");
    s += "<td>" + HtmlEscape(t.empty() ? "none" : t) + "</td>";
  }
  s += "</tr>\n<tr><th>targets</th>";
  for (const json& m : ms) {
    std::string t;
    if (m.is_object() && m.contains("targets") && m["targets"].is_object() && m["targets"].contains("supported") &&
        m["targets"]["supported"].is_array())
      for (const json& x : m["targets"]["supported"])
        if (x.is_string()) t += (t.empty() ? "" : ", ") + x.get<std::string>();
    s += "<td>" + HtmlEscape(t.empty() ? "unknown" : t) + "</td>";
  }
  return s + "</tr>\n</tbody></table>\n";
}

std::string Fastest(const Report& r, const std::vector<std::string>& activations) {
  std::string s = "<table class=\"fastest\">\n<thead><tr><th>activation</th>";
  if (r.MachineCount() > 1) s += "<th>machine</th>";
  s += "<th>≤ 1 ULP</th><th>≤ 2 ULP</th><th>≤ 4 ULP</th></tr></thead>\n<tbody>\n";
  for (const std::string& a : activations) {
    for (size_t m = 0; m < r.MachineCount(); ++m) {
      s += fmt::format("<tr><td><a href=\"#act-{0}\">{0}</a></td>", HtmlEscape(a));
      if (r.MachineCount() > 1) s += fmt::format("<td>m{}</td>", m + 1);
      for (double budget : {1.0, 2.0, 4.0}) {
        PickRules rules;
        rules.max_ulp = budget;
        rules.require_promise = false;
        if (r.MachineCount() > 1) rules.machine = m;
        const ReportRow* best = FastestWithin(r, a, rules);
        s += best ? fmt::format("<td>{}@{} <span class=\"dim\">{} G/s</span></td>", HtmlEscape(best->variant),
                                HtmlEscape(best->target), Gps(*L1Throughput(*best)))
                  : std::string("<td>-</td>");
      }
      s += "</tr>\n";
    }
  }
  return s + "</tbody></table>\n";
}

const char kStyle[] = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { background: #fdd; font-weight: bold; }
.dim { color: #777; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; } figcaption { font-size: 12px; color: #555; max-width: 640px; }
svg { background: #fff; border: 1px solid #eee; }
svg .frame { fill: none; stroke: #999; }
svg .grid { stroke: #eee; } svg .grid.inf { stroke: #f99; stroke-dasharray: 4 3; }
svg .tick, svg .bar-value, svg .point-label { font-size: 11px; fill: #555; }
svg .bar-label { font-size: 11px; fill: #222; }
svg .axis { font-size: 12px; fill: #333; } svg .note { font-size: 13px; fill: #777; }
svg .frontier { fill: none; stroke: #000; stroke-width: 1.5; stroke-dasharray: 6 3; }
svg .point { stroke: #000; stroke-width: 0.8; } svg .point.contract-failed { stroke-width: 2; }
svg .error-line { fill: none; stroke-width: 1.6; }
.legend span { margin-right: 14px; white-space: nowrap; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
)";

}  // namespace

// Rows of an exhaustive sweep: inputs covered and the ULP histogram (as the
// Markdown shows them), per machine in a merged report.
std::string Exhaustive(const Report& r) {
  bool any = false;
  for (const ReportRow& row : r.rows) any = any || (row.accuracy && !row.accuracy->coverage.empty());
  if (!any) return "";
  const bool merged = r.MachineCount() > 1;
  std::string s = "<section class=\"exhaustive\" id=\"exhaustive\">\n<h2>Exhaustive sweep</h2>\n"
                  "<p>ULP error histogram per row: inputs per bin, over the bit-pattern ranges each row covered.</p>\n"
                  "<table class=\"rows\">\n<thead><tr>";
  if (merged) s += "<th>machine</th>";
  s += "<th>row</th><th>inputs</th><th>max ULP</th><th>mean ULP</th><th>0</th><th>&le;0.5</th><th>&le;1</th>"
       "<th>&le;2</th><th>&le;4</th><th>&le;16</th><th>&le;256</th><th>more</th><th>NaN/inf mismatch</th></tr>"
       "</thead>\n<tbody>\n";
  for (const ReportRow& row : r.rows) {
    if (!row.accuracy || row.accuracy->coverage.empty()) continue;
    const ErrorStats& e = row.accuracy->error;
    s += "<tr>";
    if (merged) s += fmt::format("<td>m{}</td>", row.machine + 1);
    s += fmt::format("<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                     HtmlEscape(row.label()), row.accuracy->inputs, Ulp(e.max_ulp), Ulp(e.mean_ulp));
    for (size_t b = 0; b < ErrorStats::kHistogramBins; ++b)
      s += fmt::format("<td class=\"num\">{}</td>", b < e.histogram.size() ? std::to_string(e.histogram[b]) : "-");
    s += fmt::format("<td class=\"num\">{}/{}</td></tr>\n", e.nan_mismatch, e.inf_mismatch);
  }
  return s + "</tbody>\n</table>\n</section>\n";
}

// Per variant swept on two targets or more: the same output bits or not (as
// the Markdown shows it).
std::string Agreement(const Report& r) {
  const std::vector<const ReportRow*> rows = AgreementRows(r);
  if (rows.empty()) return "";
  const bool merged = r.MachineCount() > 1;
  std::string s = "<section class=\"agreement\" id=\"bit-identical\">\n<h2>Bit-identical across targets</h2>\n"
                  "<p>Per variant, whether its rows on the targets swept together gave the same output bits on every "
                  "input compared.</p>\n<table class=\"rows\">\n<thead><tr>";
  if (merged) s += "<th>machine</th>";
  s += "<th>variant</th><th>targets</th><th>inputs</th><th>differing</th><th>bit-identical</th></tr></thead>\n"
       "<tbody>\n";
  for (const ReportRow* row : rows) {
    const TargetAgreement& a = row->accuracy->agreement;
    s += "<tr>";
    if (merged) s += fmt::format("<td>m{}</td>", row->machine + 1);
    s += fmt::format("<td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                     HtmlEscape(row->activation + "/" + row->variant), HtmlEscape(fmt::format("{}", fmt::join(a.targets, ", "))),
                     a.inputs, a.differing, a.identical() ? "yes" : "<strong>no</strong>");
  }
  return s + "</tbody>\n</table>\n</section>\n";
}

std::string RenderHtml(const Report& r) {
  const std::vector<std::string> activations = ReportActivations(r);
  // Targets in order of the first machine's support list (best first), then any others.
  std::vector<std::string> targets;
  const json& m0 = r.machine;
  if (m0.is_object() && m0.contains("targets") && m0["targets"].is_object() && m0["targets"].contains("supported") &&
      m0["targets"]["supported"].is_array())
    for (const json& t : m0["targets"]["supported"])
      if (t.is_string()) targets.push_back(t.get<std::string>());
  for (const ReportRow& row : r.rows)
    if (std::find(targets.begin(), targets.end(), row.target) == targets.end()) targets.push_back(row.target);

  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<title>actbench report</title>\n<style>" +
                  std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>actbench report</h1>\n";
  s += Machines(r);
  if (activations.empty()) return s + "<p>No rows.</p>\n</body>\n</html>\n";
  s += "<p>";
  for (const std::string& a : activations) s += fmt::format("<a href=\"#act-{0}\">{0}</a> ", HtmlEscape(a));
  s += "</p>\n<h2>Fastest within 1, 2 and 4 ULP</h2>\n<p>By L1 throughput, among rows that pass the "
       "special-value contract; max ULP over the whole sweep against the activation itself.</p>\n";
  s += Fastest(r, activations);

  for (const std::string& a : activations) {
    const std::vector<const ReportRow*> rows = RowsOf(r, a);
    const std::vector<std::string> variants = VariantsOf(rows);
    s += fmt::format("<section class=\"activation\" id=\"act-{0}\" data-activation=\"{0}\">\n<h2>{0}</h2>\n",
                     HtmlEscape(a));
    s += Legend(r, variants);
    s += "<div class=\"plots\">\n<figure>\n" + ParetoPlot(r, a, rows, variants) +
         "<figcaption>Each point is one variant@target. Points on the dashed frontier are not beaten by any "
         "other on both error and speed: pick along it. Hollow points failed the special-value contract. ULP 0 "
         "is drawn at 0.25; infinite ULP at the right edge.</figcaption>\n</figure>\n";
    s += "<figure>\n" + ErrorPlot(r, a, rows, variants) +
         "<figcaption>Max ULP error in each input binade, one line per variant on the best target this machine "
         "runs. Gaps: no input sampled there.</figcaption>\n</figure>\n";
    s += "<figure>\n" + BarChart(r, a, rows, variants, targets) +
         "<figcaption>L1 throughput of each variant on each target: how much each instruction set "
         "gains.</figcaption>\n</figure>\n</div>\n";
    s += Table(r, rows);
    s += "</section>\n";
  }
  s += Exhaustive(r);
  s += Agreement(r);
  return s + "</body>\n</html>\n";
}

}  // namespace actbench
