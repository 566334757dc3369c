#include "cli/commands.h"

int main(int argc, char** argv) { return actbench::cli::Main(argc, argv); }
