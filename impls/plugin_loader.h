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

// Peers whose libraries are too heavy to link into every actbench process
// (PyTorch: hundreds of MB that take most of a second to load) are built as
// plugins named actbench-peer-<library>.so and loaded only when a command's
// selection can include their rows. Their folder: $ACTBENCH_PEER_PLUGIN_DIR
// when it is set (empty: none), else the build tree's peers/ when it exists,
// else the installed lib/actbench/peers.
struct PeerPlugin {
  std::string library;  // "torch"
  std::string path;
};
// Throws RegistryError when $ACTBENCH_PEER_PLUGIN_DIR names no directory.
std::vector<PeerPlugin> FindPeerPlugins();

// Loads a peer plugin before the registry is first read: its variants join in
// family "peer" under its library, its version joins PeerLibraries(). Throws
// RegistryError as LoadPlugin does, and also when the plugin names itself
// other than its file does, gives no version (ABI 3), or names a variant
// without the prefix "<library>-" (the command line relies on it to know,
// without loading, which -v ids are the plugin's).
void LoadPeerPlugin(const PeerPlugin& peer);

// LoadPlugin for each path, then AddLoadedVariants: before the registry is
// first read (the command line does this before anything else).
void LoadPlugins(const std::vector<std::string>& paths);

}  // namespace actbench
