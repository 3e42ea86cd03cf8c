# Where `cmake --install` puts things (GNUInstallDirs, from qt_standard_project_setup):
#   bin/pairmatch, bin/pairmatch-bench
#   <libdir>/pairmatch/: libpairmatch_shared, libpairmatch_server, the dashboard module
#       (private: no headers, no development files; the executables find them by RPATH)
#   share/man/man1/pairmatch.1.gz, made from the flag table (server/manpage.cpp)
#   lib/systemd/system/pairmatch.service, share/doc/pairmatch/examples/ (cmake/PairmatchPackaging.cmake)
# Included before the targets are made, so that every one gets the RPATH.
include(GNUInstallDirs)
set(PAIRMATCH_INSTALL_PRIVATEDIR "${CMAKE_INSTALL_LIBDIR}/pairmatch")
file(RELATIVE_PATH PAIRMATCH_PRIVATEDIR_FROM_BINDIR ${CMAKE_INSTALL_FULL_BINDIR}
    ${CMAKE_INSTALL_PREFIX}/${PAIRMATCH_INSTALL_PRIVATEDIR})
# executables: ../lib/pairmatch; the module and libraries there: their own directory
set(CMAKE_INSTALL_RPATH "$ORIGIN/${PAIRMATCH_PRIVATEDIR_FROM_BINDIR};$ORIGIN")
