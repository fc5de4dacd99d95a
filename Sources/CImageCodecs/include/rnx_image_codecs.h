// Thin C wrappers over libjpeg(-turbo) and libpng for rnx's image decoding.
//
// Both libraries report errors by longjmp; Swift cannot be unwound through, so each call below does its own
// setjmp and returns a status code and a message instead. No decoding is done here: the libraries do it.
#ifndef RNX_IMAGE_CODECS_H
#define RNX_IMAGE_CODECS_H

#include <stddef.h>
#include <stdint.h>

enum rnx_codec_status {
    RNX_CODEC_OK = 0,
    RNX_CODEC_ERROR = 1,          // the library refused the data; message says why
    RNX_CODEC_TRUNCATED = 2,      // the data ends before the image does
    RNX_CODEC_BAD_PRECISION = 3,  // JPEG sample precision other than 8 bits (12-bit JPEG)
    RNX_CODEC_NO_MEMORY = 4,
};

// JPEG colour spaces as libjpeg's J_COLOR_SPACE numbers them (only those rnx tells apart).
enum rnx_jpeg_color_space {
    RNX_JPEG_UNKNOWN = 0, RNX_JPEG_GRAYSCALE = 1, RNX_JPEG_RGB = 2, RNX_JPEG_YCBCR = 3, RNX_JPEG_CMYK = 4,
    RNX_JPEG_YCCK = 5,
};

typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t color_space;  // enum rnx_jpeg_color_space
    int32_t components;
    int32_t precision;
    int32_t progressive;
    char message[200];
} rnx_jpeg_info;

typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t bit_depth;
    int32_t color_type;  // PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
    int32_t interlaced;
    char message[200];
} rnx_png_info;

// Reads the JPEG header (nothing is decoded, nothing sized by the image allocated): rnx_jpeg_decode with no out.
int rnx_jpeg_read_info(const uint8_t *data, size_t size, rnx_jpeg_info *info);
// Decodes a gray (1 byte per pixel) or YCbCr/RGB (3 bytes per pixel, RGB) JPEG into out, width*height*components
// bytes, with libjpeg's defaults: the slow-but-accurate integer IDCT and fancy upsampling, as PIL decodes.
int rnx_jpeg_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, rnx_jpeg_info *info);

// Reads the PNG header: rnx_png_decode_rgb with no out.
int rnx_png_read_info(const uint8_t *data, size_t size, rnx_png_info *info);
// Decodes a PNG into out as 8-bit RGB (3 bytes per pixel) the way PIL's Image.convert("RGB") sees it: gray
// replicated, palette looked up, alpha (and tRNS) dropped, 16-bit samples cut to their high byte, except 16-bit
// gray without alpha, which PIL opens as I;16 and clips to 255.
int rnx_png_decode_rgb(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, rnx_png_info *info);

#endif
