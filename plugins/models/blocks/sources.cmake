# The model blocks' sources, relative to this folder: listed once for plugins/models and
# for the LibTorch-only device check (tests/gpu).
set(CRACKKD_MODEL_BLOCK_SOURCES
  patch_embedding.cpp
  pooling_block.cpp
  deformable_conv.cpp
  feature_selection.cpp
  feature_alignment.cpp
  poolformer_encoder.cpp
  fapn_decoder.cpp
  pooling_crack_network.cpp)
list(TRANSFORM CRACKKD_MODEL_BLOCK_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
