/* SPDX-License-Identifier: GPL-3.0-or-later */
/* placeholder: implemented in a later commit */
typedef int ap_placeholder_t;
