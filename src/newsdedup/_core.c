/*
 * newsdedup._core: the compiled kernels (DESIGN decision 12).
 *
 * Each function computes exactly what its numpy reference in newsdedup.matching computes, bit for
 * bit (tests/test_compiled.py holds them to it); the numpy path stays the reference and the
 * fallback. Buffers come in through the buffer protocol (no numpy headers at build time), and the
 * loops run with the GIL released, so signing can run in threads.
 *
 *   shingle_hashes(texts, n, char)  -> (hashes: bytes of uint32, offsets: bytes of int64)
 *       matching.shingles.shingle_batch: word shingles of raw UTF-8 texts (words split as
 *       str.split() splits them, joined by one space), or character shingles of texts whose
 *       whitespace is already folded.
 *   minhash(hashes, offsets, a, b, out)
 *       matching.signatures.signatures_from_shingles: datasketch's affine32 MinHash of each
 *       document's shingle hashes into out (n_docs x num_perm uint32, filled with 0xFFFFFFFF).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BASE 0x100000001B3ULL
#define LEN_MIX 0x9E3779B97F4A7C15ULL

/* Runtime CPU dispatch: GCC builds each hot loop for AVX-512, AVX2 and baseline x86-64 and picks
 * one when the module loads (a baseline build alone is several times slower at the MinHash). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DISPATCH
#endif

static inline uint64_t fmix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 33);
}

static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6BU;
    h ^= h >> 13;
    h *= 0xC2B2AE35U;
    return h ^ (h >> 16);
}

static inline uint32_t finish(uint64_t poly, uint64_t length) {
    return (uint32_t)(fmix64(poly ^ (length * LEN_MIX)) >> 32);
}

/* Bytes of the whitespace character at s[i] as str.split() sees it (0: not whitespace): ASCII
 * \t..\r, \x1c..\x1f and space; U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000 in UTF-8. */
static inline int space_at(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
    unsigned char c = s[i];
    if (c < 0x80)
        return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x1F);
    if (c == 0xC2 && i + 1 < n)
        return (s[i + 1] == 0x85 || s[i + 1] == 0xA0) ? 2 : 0;
    if (i + 2 >= n)
        return 0;
    unsigned char d = s[i + 1], e = s[i + 2];
    if (c == 0xE1)
        return (d == 0x9A && e == 0x80) ? 3 : 0;
    if (c == 0xE2) {
        if (d == 0x80 && ((e >= 0x80 && e <= 0x8A) || e == 0xA8 || e == 0xA9 || e == 0xAF))
            return 3;
        return (d == 0x81 && e == 0x9F) ? 3 : 0;
    }
    if (c == 0xE3)
        return (d == 0x80 && e == 0x80) ? 3 : 0;
    return 0;
}

/* A growing array of uint32 hashes. */
typedef struct {
    uint32_t *data;
    Py_ssize_t len, cap;
} Hashes;

static int push(Hashes *h, uint32_t value) {
    if (h->len == h->cap) {
        Py_ssize_t cap = h->cap ? 2 * h->cap : 1024;
        uint32_t *data = realloc(h->data, (size_t)cap * sizeof(uint32_t));
        if (data == NULL)
            return -1;
        h->data = data;
        h->cap = cap;
    }
    h->data[h->len++] = value;
    return 0;
}

/* Per-word scratch: each word's polynomial (from position 0), BASE^length and length. */
typedef struct {
    uint64_t *poly, *power;
    Py_ssize_t *size;
    Py_ssize_t cap;
} Words;

static int reserve_words(Words *w, Py_ssize_t n) {
    if (n <= w->cap)
        return 0;
    Py_ssize_t cap = n > 2 * w->cap ? n : 2 * w->cap;
    uint64_t *poly = realloc(w->poly, (size_t)cap * sizeof(uint64_t));
    if (poly == NULL)
        return -1;
    w->poly = poly;
    uint64_t *power = realloc(w->power, (size_t)cap * sizeof(uint64_t));
    if (power == NULL)
        return -1;
    w->power = power;
    Py_ssize_t *size = realloc(w->size, (size_t)cap * sizeof(Py_ssize_t));
    if (size == NULL)
        return -1;
    w->size = size;
    w->cap = cap;
    return 0;
}

/* The word shingles of one raw text: words i..i+n-1 joined by one space (all words when fewer
 * than n), each hashed as shingle_hash hashes that string's bytes. */
static int word_shingles(const unsigned char *s, Py_ssize_t len, int n, Words *w, Hashes *out) {
    Py_ssize_t count = 0, i = 0;
    while (i < len) {
        int sp = space_at(s, i, len);
        if (sp) {
            i += sp;
            continue;
        }
        if (reserve_words(w, count + 1) < 0)
            return -1;
        uint64_t poly = 0, power = 1;
        Py_ssize_t start = i;
        while (i < len && !space_at(s, i, len)) {
            poly += ((uint64_t)s[i] + 1) * power;
            power *= BASE;
            i++;
        }
        w->poly[count] = poly;
        w->power[count] = power;
        w->size[count] = i - start;
        count++;
    }
    if (count == 0)
        return 0;
    Py_ssize_t width = count < n ? count : n;
    for (Py_ssize_t f = 0; f + width <= count; f++) {
        uint64_t poly = 0, power = 1;
        Py_ssize_t length = width - 1;  /* the spaces */
        for (Py_ssize_t j = f; j < f + width; j++) {
            poly += w->poly[j] * power;
            power *= w->power[j];
            length += w->size[j];
            if (j + 1 < f + width) {
                poly += 33 * power; /* a space byte (32) counts as 33 */
                power *= BASE;
            }
        }
        if (push(out, finish(poly, (uint64_t)length)) < 0)
            return -1;
    }
    return 0;
}

/* The character shingles of one folded text: characters i..i+n-1 (all when fewer than n), a
 * character being a UTF-8 lead byte and its continuation bytes. */
static int char_shingles(const unsigned char *s, Py_ssize_t len, int n, Words *w, Hashes *out) {
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            if (reserve_words(w, count + 1) < 0)
                return -1;
            w->size[count++] = i; /* here: each character's first byte */
        }
    }
    if (count == 0)
        return 0;
    Py_ssize_t width = count < n ? count : n;
    for (Py_ssize_t f = 0; f + width <= count; f++) {
        Py_ssize_t lo = w->size[f];
        Py_ssize_t hi = f + width < count ? w->size[f + width] : len;
        uint64_t poly = 0, power = 1;
        for (Py_ssize_t i = lo; i < hi; i++) {
            poly += ((uint64_t)s[i] + 1) * power;
            power *= BASE;
        }
        if (push(out, finish(poly, (uint64_t)(hi - lo))) < 0)
            return -1;
    }
    return 0;
}

static PyObject *shingle_hashes(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *texts;
    int n, chars;
    if (!PyArg_ParseTuple(args, "O!ip", &PyList_Type, &texts, &n, &chars))
        return NULL;
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "shingle size n must be >= 1");
        return NULL;
    }
    Py_ssize_t docs = PyList_GET_SIZE(texts);
    for (Py_ssize_t d = 0; d < docs; d++) {
        if (!PyBytes_Check(PyList_GET_ITEM(texts, d))) {
            PyErr_SetString(PyExc_TypeError, "shingle_hashes takes a list of bytes");
            return NULL;
        }
    }
    int64_t *offsets = malloc((size_t)(docs + 1) * sizeof(int64_t));
    PyObject **held = malloc((size_t)(docs ? docs : 1) * sizeof(PyObject *));
    if (offsets == NULL || held == NULL) {
        free(offsets);
        free(held);
        return PyErr_NoMemory();
    }
    /* Our own references: another thread may change the list while the GIL is released. */
    for (Py_ssize_t d = 0; d < docs; d++) {
        held[d] = PyList_GET_ITEM(texts, d);
        Py_INCREF(held[d]);
    }
    Hashes out = {NULL, 0, 0};
    Words w = {NULL, NULL, NULL, 0};
    int failed = 0;
    offsets[0] = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < docs && !failed; d++) {
        const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(held[d]);
        Py_ssize_t len = PyBytes_GET_SIZE(held[d]);
        failed = chars ? char_shingles(s, len, n, &w, &out) : word_shingles(s, len, n, &w, &out);
        offsets[d + 1] = out.len;
    }
    Py_END_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < docs; d++)
        Py_DECREF(held[d]);
    free(held);
    free(w.poly);
    free(w.power);
    free(w.size);
    PyObject *result = NULL;
    if (failed) {
        PyErr_NoMemory();
    } else {
        result = Py_BuildValue(
            "(y#y#)", out.data ? (const char *)out.data : "", out.len * (Py_ssize_t)sizeof(uint32_t),
            (const char *)offsets, (docs + 1) * (Py_ssize_t)sizeof(int64_t));
    }
    free(out.data);
    free(offsets);
    return result;
}

/* Permutations taken at a time: row, a and b of one block stay in vector registers while every
 * shingle of the document passes (64 x 32 bits = 4 AVX-512 or 8 AVX2 registers each). */
#define BLOCK 64

DISPATCH
static void minhash_rows(const uint32_t *mixed, Py_ssize_t count, const uint32_t *a, const uint32_t *b,
                         Py_ssize_t perms, uint32_t *row) {
    Py_ssize_t k0 = 0;
    for (; k0 + BLOCK <= perms; k0 += BLOCK) {
        uint32_t acc[BLOCK], pa[BLOCK], pb[BLOCK];
        for (int k = 0; k < BLOCK; k++) {
            acc[k] = 0xFFFFFFFFU;
            pa[k] = a[k0 + k];
            pb[k] = b[k0 + k];
        }
        for (Py_ssize_t s = 0; s < count; s++) {
            uint32_t m = mixed[s];
            for (int k = 0; k < BLOCK; k++) {
                uint32_t v = pa[k] * m + pb[k];
                acc[k] = v < acc[k] ? v : acc[k];
            }
        }
        memcpy(row + k0, acc, sizeof acc);
    }
    for (Py_ssize_t k = k0; k < perms; k++) {
        uint32_t best = 0xFFFFFFFFU;
        for (Py_ssize_t s = 0; s < count; s++) {
            uint32_t v = a[k] * mixed[s] + b[k];
            best = v < best ? v : best;
        }
        row[k] = best;
    }
}

static PyObject *minhash(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer h, off, a, b, out;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*", &h, &off, &a, &b, &out))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t docs = off.len / (Py_ssize_t)sizeof(int64_t) - 1;
    Py_ssize_t perms = a.len / (Py_ssize_t)sizeof(uint32_t);
    Py_ssize_t total = h.len / (Py_ssize_t)sizeof(uint32_t);
    const int64_t *offsets = off.buf;
    int bad = docs < 0 || b.len != a.len || out.len != docs * perms * (Py_ssize_t)sizeof(uint32_t);
    for (Py_ssize_t d = 0; !bad && d < docs; d++)
        bad = offsets[d] < 0 || offsets[d] > offsets[d + 1] || offsets[d + 1] > total;
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "minhash: buffers of mismatched sizes or offsets out of range");
        goto done;
    }
    Py_ssize_t longest = 0;
    for (Py_ssize_t d = 0; d < docs; d++)
        longest = offsets[d + 1] - offsets[d] > longest ? offsets[d + 1] - offsets[d] : longest;
    uint32_t *mixed = malloc((size_t)(longest ? longest : 1) * sizeof(uint32_t));
    if (mixed == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const uint32_t *hashes = h.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < docs; d++) {
        Py_ssize_t lo = offsets[d], count = offsets[d + 1] - lo;
        for (Py_ssize_t s = 0; s < count; s++)
            mixed[s] = fmix32(hashes[lo + s]);
        minhash_rows(mixed, count, a.buf, b.buf, perms, (uint32_t *)out.buf + d * perms);
    }
    Py_END_ALLOW_THREADS
    free(mixed);
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&h);
    PyBuffer_Release(&off);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"shingle_hashes", shingle_hashes, METH_VARARGS,
     "shingle_hashes(texts: list[bytes], n: int, char: bool) -> (hashes, offsets) as bytes"},
    {"minhash", minhash, METH_VARARGS,
     "minhash(hashes, offsets, a, b, out): affine32 MinHash of each document into out"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "newsdedup._core", "newsdedup's compiled kernels.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
