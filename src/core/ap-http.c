/* SPDX-License-Identifier: GPL-3.0-or-later */
typedef int ap_placeholder_t;
