/*
 * Mass balance rules (see massbalance.h): exact gram arithmetic, no
 * tolerance; the flag on the packing and its lots is how a difference shows.
 */
#include "core/massbalance.h"

int64_t pack_difference(const struct pack_totals *t)
{
	return t->input_g - (t->output_g + t->gradeout_g + t->loss_g);
}

bool pack_balanced(const struct pack_totals *t)
{
	return pack_difference(t) == 0;
}

int64_t lot_flow_difference(const struct lot_flow *f)
{
	return f->created_g + f->found_g - f->left_g - f->on_hand_g;
}
