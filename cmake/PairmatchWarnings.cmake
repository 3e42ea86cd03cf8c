# Compiler flags shared by every target of the project: warnings (as errors with
# PAIRMATCH_WERROR), sanitizers with PAIRMATCH_SANITIZE.
add_library(pairmatch_compile_options INTERFACE)
target_compile_options(pairmatch_compile_options INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough
    $<$<BOOL:${PAIRMATCH_WERROR}>:-Werror>)
target_compile_definitions(pairmatch_compile_options INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_NO_FOREACH QT_NO_KEYWORDS)
if(PAIRMATCH_SANITIZE)
    target_compile_options(pairmatch_compile_options INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(pairmatch_compile_options INTERFACE -fsanitize=address,undefined)
endif()
