# The service and its examples, installed beside the binaries, and the .deb (CPack):
#   lib/systemd/system/pairmatch.service   resources/pairmatch.service, ExecStart at bindir
#   share/doc/pairmatch/examples/          pairmatch.env (for /etc/default/pairmatch), a
#                                          Prometheus scrape config and alert rules
# `cpack -G DEB` in the build directory makes pairmatch_VERSION_ARCH.deb, its dependencies
# found by dpkg-shlibdeps (Debian: dpkg-dev). tests/package/check-deb.sh checks it.
set(PAIRMATCH_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit goes, relative to the install prefix")

# The unit names /usr/bin/pairmatch, the .deb's path; installed under another prefix it
# names that prefix's binary. Made at install time: CPack installs with its own prefix.
install(CODE "
    file(READ \"${PROJECT_SOURCE_DIR}/resources/pairmatch.service\" unit)
    string(REPLACE \"ExecStart=/usr/bin/pairmatch\"
        \"ExecStart=\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/pairmatch\" unit \"\${unit}\")
    file(WRITE \"${CMAKE_BINARY_DIR}/systemd/pairmatch.service\" \"\${unit}\")
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${PAIRMATCH_SYSTEMD_UNIT_DIR}\"
        TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        FILES \"${CMAKE_BINARY_DIR}/systemd/pairmatch.service\")
")
install(FILES resources/pairmatch.env resources/prometheus/prometheus.yml
    resources/prometheus/pairmatch.rules.yml
    DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md docs/operations.md docs/history.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pairmatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "pairmatch maintainers <pairmatch@example.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION "Pairs two players who ask for the same game type, first come \
first served, then relays every move of their round to both seats in one order, as JSON \
over WebSocket. Prometheus metrics, health and readiness endpoints, JSON logs, a systemd \
service (pairmatch.service) and an operator dashboard (Qt Widgets, loaded only without \
--no-gui).")
set(CPACK_STRIP_FILES ON)
# Dependencies from the binaries' own libraries (Qt 6, OpenSSL, libstdc++...); the private
# libraries in lib/pairmatch are the package's own.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    "${CMAKE_BINARY_DIR}/shared;${CMAKE_BINARY_DIR}/server")
# Qt's SQLite driver is a plugin, which dpkg-shlibdeps cannot see: the match history
# (--history, docs/history.md) needs it. Added to what dpkg-shlibdeps finds.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
# The dashboard on a desktop needs Qt's platform plugins; a server does not.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/resources/debian/postinst
    ${PROJECT_SOURCE_DIR}/resources/debian/prerm
    ${PROJECT_SOURCE_DIR}/resources/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
