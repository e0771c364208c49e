/*
 * Platform selection and the one export macro.
 *
 * XB_WINDOWS is set when compiling for Windows (mingw-w64 or MSVC); the
 * headers then defer to the Windows SDK and add only what it lacks.
 */
#ifndef XB_INCLUDE_EXITBENCH_PLATFORM_H
#define XB_INCLUDE_EXITBENCH_PLATFORM_H

#if defined(_WIN32)
# define XB_WINDOWS 1
#endif

/*
 * XB_EXPORT marks the public API of libexitbench. The library is built with
 * -fvisibility=hidden, so anything without it stays private. On Windows the
 * library is static (a module DLL must need nothing but system DLLs), so
 * there is nothing to export from it.
 */
#if defined(XB_WINDOWS)
# define XB_EXPORT
#elif defined(__GNUC__)
# define XB_EXPORT __attribute__((visibility("default")))
#else
# define XB_EXPORT
#endif

/* Pass as a length to mean "up to the terminating NUL". */
#define XB_NUL_TERMINATED ((size_t)-1)

#ifdef __cplusplus
# define XB_BEGIN_DECLS extern "C" {
# define XB_END_DECLS }
#else
# define XB_BEGIN_DECLS
# define XB_END_DECLS
#endif

#endif
