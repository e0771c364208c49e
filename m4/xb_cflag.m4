# XB_CHECK_CFLAG(FLAG, ACTION-IF-OK, ACTION-IF-NOT)
# Compile an empty program with FLAG (and -Werror, so that compilers which
# merely warn about an unknown flag count as not supporting it).
AC_DEFUN([XB_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([xb_cache], [xb_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [xb_cache], [
    xb_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AS_VAR_SET([xb_cache], [yes])], [AS_VAR_SET([xb_cache], [no])])
    CFLAGS=$xb_save_CFLAGS])
  AS_VAR_IF([xb_cache], [yes], [$2], [$3])
  AS_VAR_POPDEF([xb_cache])
])
