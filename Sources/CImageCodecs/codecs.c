// See rnx_image_codecs.h. Every libjpeg / libpng call that can fail runs under a setjmp set up in this file.
#include "rnx_image_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

// MARK: JPEG

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int status;
    char *message;
    rnx_jpeg_info *info;
} rnx_jpeg_error;

static void rnx_jpeg_fail(j_common_ptr cinfo) {
    rnx_jpeg_error *error = (rnx_jpeg_error *)cinfo->err;
    switch (error->base.msg_code) {
    case JERR_BAD_PRECISION:
        error->status = RNX_CODEC_BAD_PRECISION;
        error->info->precision = error->base.msg_parm.i[0];
        break;
    case JERR_OUT_OF_MEMORY: error->status = RNX_CODEC_NO_MEMORY; break;
    default: error->status = RNX_CODEC_ERROR; break;
    }
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

// Warnings (corrupt-data recoveries) are ignored as PIL ignores them, except the end of the data: libjpeg would
// go on with gray, and PIL refuses a truncated image.
static void rnx_jpeg_message(j_common_ptr cinfo, int level) {
    rnx_jpeg_error *error = (rnx_jpeg_error *)cinfo->err;
    if (level < 0 && error->base.msg_code == JWRN_JPEG_EOF) {
        error->status = RNX_CODEC_TRUNCATED;
        (*cinfo->err->format_message)(cinfo, error->message);
        longjmp(error->jump, 1);
    }
}

static int rnx_color_space(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return RNX_JPEG_GRAYSCALE;
    case JCS_RGB: return RNX_JPEG_RGB;
    case JCS_YCbCr: return RNX_JPEG_YCBCR;
    case JCS_CMYK: return RNX_JPEG_CMYK;
    case JCS_YCCK: return RNX_JPEG_YCCK;
    default: return RNX_JPEG_UNKNOWN;
    }
}

static void rnx_jpeg_fill_info(struct jpeg_decompress_struct *cinfo, rnx_jpeg_info *info) {
    info->width = cinfo->image_width;
    info->height = cinfo->image_height;
    info->color_space = rnx_color_space(cinfo->jpeg_color_space);
    info->components = cinfo->num_components;
    info->precision = cinfo->data_precision;
    info->progressive = cinfo->progressive_mode;
}

int rnx_jpeg_read_info(const uint8_t *data, size_t size, rnx_jpeg_info *info) {
    return rnx_jpeg_decode(data, size, NULL, 0, info);
}

int rnx_jpeg_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, rnx_jpeg_info *info) {
    struct jpeg_decompress_struct cinfo;
    rnx_jpeg_error error;
    memset(info, 0, sizeof *info);
    cinfo.err = jpeg_std_error(&error.base);
    error.base.error_exit = rnx_jpeg_fail;
    error.base.emit_message = rnx_jpeg_message;
    error.status = RNX_CODEC_OK;
    error.message = info->message;
    error.info = info;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return error.status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    rnx_jpeg_fill_info(&cinfo, info);
    if (!out) {  // rnx_jpeg_read_info: the header only
        jpeg_destroy_decompress(&cinfo);
        return RNX_CODEC_OK;
    }
    int gray = cinfo.jpeg_color_space == JCS_GRAYSCALE;
    if (!gray && cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_RGB) {
        snprintf(info->message, sizeof info->message, "unsupported JPEG colour space");
        jpeg_destroy_decompress(&cinfo);
        return RNX_CODEC_ERROR;
    }
    // libjpeg's defaults (JDCT_ISLOW, do_fancy_upsampling) are what PIL decodes with; only the output space is set.
    cinfo.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    size_t row = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    if (cinfo.output_components != (gray ? 1 : 3) || row * cinfo.output_height > out_size) {
        snprintf(info->message, sizeof info->message, "unexpected JPEG output layout");
        jpeg_destroy_decompress(&cinfo);
        return RNX_CODEC_ERROR;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW line = out + row * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &line, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return RNX_CODEC_OK;
}

// MARK: PNG

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    char *message;
} rnx_png_source;

static void rnx_png_read(png_structp png, png_bytep out, size_t count) {
    rnx_png_source *source = (rnx_png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) {
        source->truncated = 1;
        png_error(png, "the data ends before the image does");
    }
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static void rnx_png_error(png_structp png, png_const_charp text) {
    rnx_png_source *source = (rnx_png_source *)png_get_error_ptr(png);
    snprintf(source->message, 200, "%s", text);
    png_longjmp(png, 1);
}

static void rnx_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static int rnx_png_begin(png_structp *png, png_infop *info, rnx_png_source *source) {
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, rnx_png_error, rnx_png_warning);
    if (!*png) return RNX_CODEC_NO_MEMORY;
    *info = png_create_info_struct(*png);
    if (!*info) {
        png_destroy_read_struct(png, NULL, NULL);
        return RNX_CODEC_NO_MEMORY;
    }
    return RNX_CODEC_OK;
}

static void rnx_png_fill_info(png_structp png, png_infop pinfo, rnx_png_info *info) {
    info->width = png_get_image_width(png, pinfo);
    info->height = png_get_image_height(png, pinfo);
    info->bit_depth = png_get_bit_depth(png, pinfo);
    info->color_type = png_get_color_type(png, pinfo);
    info->interlaced = png_get_interlace_type(png, pinfo) != PNG_INTERLACE_NONE;
}

// rnx checks the pixel count itself (--max-pixels); libpng's own limit of 1,000,000 per side would refuse some
// valid images with a less useful message.
static void rnx_png_limits(png_structp png) {
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
}

int rnx_png_read_info(const uint8_t *data, size_t size, rnx_png_info *info) {
    return rnx_png_decode_rgb(data, size, NULL, 0, info);
}

int rnx_png_decode_rgb(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, rnx_png_info *info) {
    memset(info, 0, sizeof *info);
    rnx_png_source source = {data, size, 0, 0, info->message};
    png_structp png;
    png_infop pinfo;
    // volatile: it is set after setjmp and read after a longjmp, when a non-volatile local may hold its old value
    // (the buffer then leaked: LeakSanitizer on the image fuzz target).
    png_bytep volatile row = NULL;
    int status = rnx_png_begin(&png, &pinfo, &source);
    if (status) return status;
    if (setjmp(png_jmpbuf(png))) {
        png_free(png, row);
        png_destroy_read_struct(&png, &pinfo, NULL);
        return source.truncated ? RNX_CODEC_TRUNCATED : RNX_CODEC_ERROR;
    }
    rnx_png_limits(png);
    png_set_read_fn(png, &source, rnx_png_read);
    png_read_info(png, pinfo);
    rnx_png_fill_info(png, pinfo, info);
    if (!out) {  // rnx_png_read_info: the header only
        png_destroy_read_struct(&png, &pinfo, NULL);
        return RNX_CODEC_OK;
    }
    int type = info->color_type;
    // 16-bit gray: PIL's I;16, which convert("RGB") clips to 255; keep 16 bits and clip below.
    int clip16 = info->bit_depth == 16 && type == PNG_COLOR_TYPE_GRAY;
    if (info->bit_depth == 16 && !clip16) png_set_strip_16(png);  // the high byte, as PIL's ;16B raw modes take
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && info->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    // Alpha, and the alpha libpng would make of a tRNS chunk while expanding a palette, are dropped like
    // convert("RGB") drops them (no compositing).
    if ((type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, pinfo, PNG_INFO_tRNS)) png_set_strip_alpha(png);
    if (info->bit_depth < 8 && type != PNG_COLOR_TYPE_GRAY) png_set_packing(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    size_t width = info->width, height = info->height;
    size_t channels = png_get_channels(png, pinfo);
    size_t rowbytes = png_get_rowbytes(png, pinfo);
    if (width * 3 * height > out_size || (channels != 1 && channels != 3) ||
        rowbytes != width * channels * (clip16 ? 2 : 1)) {
        snprintf(info->message, sizeof info->message, "unexpected PNG output layout");
        png_destroy_read_struct(&png, &pinfo, NULL);
        return RNX_CODEC_ERROR;
    }
    // Rows are decoded into out itself (gray ones at the row's end, then widened in place from the left) except
    // 16-bit gray and interlaced images, which need the whole image: those get a separate buffer.
    if (passes > 1 || clip16) {
        row = png_malloc(png, rowbytes * height);
        for (int pass = 0; pass < passes; pass++) {
            for (size_t y = 0; y < height; y++) png_read_row(png, row + rowbytes * y, NULL);
        }
        for (size_t y = 0; y < height; y++) {
            const uint8_t *in = row + rowbytes * y;
            uint8_t *line = out + width * 3 * y;
            for (size_t x = 0; x < width; x++) {
                uint8_t r, g, b;
                if (clip16) {
                    unsigned v = ((unsigned)in[2 * x] << 8) | in[2 * x + 1];
                    r = g = b = v > 255 ? 255 : (uint8_t)v;
                } else if (channels == 1) {
                    r = g = b = in[x];
                } else {
                    r = in[3 * x]; g = in[3 * x + 1]; b = in[3 * x + 2];
                }
                line[3 * x] = r; line[3 * x + 1] = g; line[3 * x + 2] = b;
            }
        }
        png_free(png, row);
        row = NULL;
    } else {
        for (size_t y = 0; y < height; y++) {
            uint8_t *line = out + width * 3 * y;
            if (channels == 3) {
                png_read_row(png, line, NULL);
            } else {
                uint8_t *gray = line + width * 2;
                png_read_row(png, gray, NULL);
                for (size_t x = 0; x < width; x++) {
                    uint8_t v = gray[x];
                    line[3 * x] = v; line[3 * x + 1] = v; line[3 * x + 2] = v;
                }
            }
        }
    }
    // Like PIL, chunks after the image data (and a missing IEND) are not read.
    png_destroy_read_struct(&png, &pinfo, NULL);
    return RNX_CODEC_OK;
}
