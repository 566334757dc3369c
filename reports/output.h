// Files actbench writes (reports, headers, eval outputs): checked before
// anything is measured, and written so that nothing that is not ours is ever
// replaced.
//
// What a path may be:
// - absent (its directory must exist and take a new file) or a regular file:
//   written atomically, a temporary file in the same directory renamed over
//   it, so a failure never leaves a partial file and readers see the old or
//   the new content;
// - a symbolic link: followed; the file it points to is written as above (the
//   link stays a link); a link to a missing file is refused;
// - a character device or a FIFO (/dev/stdout, /dev/null, `>(cmd)`): written
//   through, never replaced;
// - a directory, a socket or a block device: refused.
#pragma once

#include <string>

namespace actbench {

// Refuses (std::runtime_error, one line starting "FLAG PATH: ") an output that
// could not be written: a kind above that is refused, a missing directory, or a
// directory where no file can be created (read-only, /proc, /sys: probed by
// creating and removing a file, which is why root's permissions do not fool it).
void CheckOutputFile(const std::string& flag, const std::string& path);

// The same for a directory that will hold outputs: an existing directory in
// which files can be created, or one that can be created (probed by creating
// and removing it).
void CheckOutputDirectory(const std::string& flag, const std::string& dir);

// Creates the directory when it is missing; throws std::runtime_error (one line).
void EnsureOutputDirectory(const std::string& flag, const std::string& dir);

// Writes text to path as described above. Throws std::runtime_error (one line,
// "cannot write PATH: why") on failure, leaving no temporary file behind and
// any existing file as it was (a device or FIFO may have taken part of it).
void WriteFileAtomic(const std::string& path, const std::string& text);

// The temporary file WriteFileAtomic(path, ...) would create now ("" when it
// would write through), so a signal handler can remove it.
std::string AtomicTemporaryFor(const std::string& path);

// Where a report goes when its destination cannot take it (a disk that filled
// while measuring): `${TMPDIR:-/tmp}/actbench-rescued-<pid>-<name>`. Returns
// the path written, or "" when that failed too.
std::string RescueOutput(const std::string& name, const std::string& text);

}  // namespace actbench
