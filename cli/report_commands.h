// The subcommands that read reports and decide: pick, compare, merge. They
// never measure; they read report JSON (reports/) and write text.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace actbench::cli {

class ReportCommands {
 public:
  // Adds the subcommands pick, compare and merge to `app`.
  explicit ReportCommands(CLI::App& app);

  // Whether the command line named one of them.
  bool Parsed() const;

  // Runs the one parsed. Returns the exit code (compare: 1 on a regression);
  // throws std::exception with a one-line message on bad input (exit 2).
  int Run() const;

 private:
  int Pick() const;
  int Compare() const;
  int Merge() const;

  CLI::App* pick_ = nullptr;
  CLI::App* compare_ = nullptr;
  CLI::App* merge_ = nullptr;

  struct PickArgs {
    double max_ulp = 0;
    std::vector<std::string> activations;
    std::string target;
    std::vector<std::string> families;  // scalar, simd, peer, user; empty: all
    std::string report = "out/report.json";
    bool json = false;
    std::string header;
    int machine = 0;  // 1-based, 0: not given
  } pick_args_;

  struct CompareArgs {
    std::string base, now;
    double tolerance_ulp = 0, min_effect = 0.10, alpha = 0.05;
    bool accuracy_only = false;
    std::string markdown, json;
  } compare_args_;

  struct MergeArgs {
    std::vector<std::string> inputs;
    std::string out, html, markdown, csv;
  } merge_args_;
};

}  // namespace actbench::cli
