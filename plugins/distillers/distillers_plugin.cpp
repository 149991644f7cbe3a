// The distillers plugin: registers the four distillers, each defined in its own header
// (plain LibTorch and the SDK's interfaces, so tests/gpu builds them without Boost.DLL).

#include "cwd.hpp"
#include "dist.hpp"
#include "nkd.hpp"
#include "rfkd.hpp"

#include <crackkd/plugin.hpp>

using crackkd::distillers::Cwd;
using crackkd::distillers::Dist;
using crackkd::distillers::Nkd;
using crackkd::distillers::Rfkd;

CRACKKD_PLUGIN(distiller, rfkd, Rfkd,
               "Robust feature KD (the reference paper): 4 feature terms via 1x1 connectors + logit term + Dice on ground truth")
CRACKKD_PLUGIN(distiller, nkd, Nkd, "Hinton KD: per-pixel binary KL of temperature-softened logits x T^2, plus Dice")
CRACKKD_PLUGIN(distiller, cwd, Cwd, "Channel-wise KD: KL of spatial softmax distributions of the logits x tau^2, plus Dice")
CRACKKD_PLUGIN(distiller, dist, Dist, "DIST: Pearson inter/intra-class relations of probabilities, plus Dice (binary: see doc)")
