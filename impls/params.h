// Params lives in the public API (include/actbench/actbench.h).
#pragma once

#include "actbench/actbench.h"
