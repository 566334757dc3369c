// The actbench command line: subcommands list, accuracy, bench, run, eval.
#pragma once

namespace actbench::cli {

// Runs the command line. Returns the process exit code: 0 on success, 2 on
// bad input (after printing one line on stderr).
int Main(int argc, char** argv);

}  // namespace actbench::cli
