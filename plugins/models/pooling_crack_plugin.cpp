// The models plugin: PoolingCrack and PoolingCrack-Tiny (pooling_crack_model.hpp).

#include "pooling_crack_model.hpp"

#include <crackkd/plugin.hpp>

using crackkd::models::PoolingCrack;
using crackkd::models::PoolingCrackTiny;

CRACKKD_PLUGIN(model, poolingcrack, PoolingCrack,
               "PoolingCrack teacher: PoolFormer encoder + FaPN decoder with deformable alignment, ~31.5 M parameters")
CRACKKD_PLUGIN(model, pct, PoolingCrackTiny,
               "PoolingCrack-Tiny student (PCT): blocks [2,2,2,2], depth-wise embedding, ~0.5 M parameters, ~2.7 G MACs at 448")
