#include <oneapi/dnnl/dnnl.h>

// The execution-argument indices, which dnnl_types.h defines through other macros that Swift does not import.
static const int cdnnl_arg_src = DNNL_ARG_SRC;
static const int cdnnl_arg_src_1 = DNNL_ARG_SRC_1;
static const int cdnnl_arg_dst = DNNL_ARG_DST;
static const int cdnnl_arg_weights = DNNL_ARG_WEIGHTS;
static const int cdnnl_arg_bias = DNNL_ARG_BIAS;
static const int cdnnl_arg_from = DNNL_ARG_FROM;
static const int cdnnl_arg_to = DNNL_ARG_TO;
static const int cdnnl_arg_workspace = DNNL_ARG_WORKSPACE;
