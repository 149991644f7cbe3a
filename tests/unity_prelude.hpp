#pragma once
// Included before each test file of a unity batch (tests/CMakeLists.txt). A test's
// `using namespace crackkd;` followed, in the same batch, by a framework header that
// declares crackkd::data and then by LibTorch's first c10/util/variant.h turns that
// header's unqualified data(...) into the namespace: a compile error that moves with the
// batches as test files are added. LibTorch 1.13's variant.h parsed first cannot meet it;
// LibTorch 2.x has no such header.
#if __has_include(<c10/util/variant.h>)
#include <c10/util/variant.h>
#endif
