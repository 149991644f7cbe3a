#pragma once
// How much of the push on the student each loss term gives: a term's gradient norm at the
// student's outputs over the sum of all terms' norms. A term whose share stays near 1
// swamps the others whatever their values say (CWD's KL beside Dice, say); a term stuck
// at 0 teaches nothing (DIST's inter-class relation on one logit). Taken at the outputs,
// not the weights: each term then costs a backward pass through the loss alone, not the
// network, so it is logged at every step.

#include <crackkd/distiller.hpp>

#include <vector>

namespace crackkd::training {

/// For each term, ||d term / d outputs|| (one 2-norm over all outputs together) divided by
/// the sum of these norms over the terms; a term that does not reach the outputs has 0.
/// Empty for fewer than two terms; all 0 when no term reaches the outputs. The autograd
/// graph is kept for the step's backward pass.
std::vector<double> gradient_shares(const LossTerms& terms, const std::vector<at::Tensor>& outputs);

}  // namespace crackkd::training
