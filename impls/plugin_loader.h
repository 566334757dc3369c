// Loads plugins (include/actbench/plugin.h): a shared library's variants
// join the registry in family "user", marked with the library's path.
#pragma once

#include <string>
#include <vector>

#include "impls/variant.h"

namespace actbench {

// Loads the library at `path` and returns its variants, validated like every
// registration. Throws RegistryError (one line naming the library, and the
// variant where one is at fault) when the file is missing or cannot be
// loaded, has no entry point, speaks another ABI version, or describes a
// variant badly.
std::vector<Variant> LoadPlugin(const std::string& path);

// LoadPlugin for each path, then AddLoadedVariants: before the registry is
// first read (the command line does this before anything else).
void LoadPlugins(const std::vector<std::string>& paths);

}  // namespace actbench
