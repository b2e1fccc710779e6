# CPack: one Debian package, ttydesk, holding both programs, the man pages,
# the themes and the deployment docs.  In a Release build dir configured
# with -DCMAKE_INSTALL_PREFIX=/usr, `cpack -G DEB` makes
# ttydesk_<version>_<arch>.deb; tests/integration/test_package.py checks it.
#
# Runtime dependencies are computed by dpkg-shlibdeps from the linked
# libraries when it is there (Debian and derivatives); otherwise the list
# below, which is what Debian 12 needs, is used as is.

# The deployment guide and its example files (systemd unit, nginx, configs)
# go with the programs: /usr/share/doc/ttydesk/.
install(FILES ${CMAKE_SOURCE_DIR}/docs/deploy.md
  ${CMAKE_SOURCE_DIR}/docs/operations.md ${CMAKE_SOURCE_DIR}/docs/relay.md
  ${CMAKE_SOURCE_DIR}/docs/keys.md ${CMAKE_SOURCE_DIR}/docs/api.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/examples/
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_PACKAGE_NAME "ttydesk")
set(CPACK_PACKAGE_VENDOR "ttydesk")
set(CPACK_PACKAGE_CONTACT "ttydesk maintainers <ttydesk@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "ttydesk")
# The package installs where the build was configured to: the programs have
# the themes folder (TTYDESK_DATADIR) compiled in, so a package must be
# built with -DCMAKE_INSTALL_PREFIX=/usr to find /usr/share/ttydesk.
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "cpack: the .deb will install under ${CMAKE_INSTALL_PREFIX}; "
    "configure with -DCMAKE_INSTALL_PREFIX=/usr for a Debian package")
endif()
set(CPACK_GENERATOR "DEB")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/;__pycache__")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "ttydesk is an ncurses inbox for support agents who answer customers on the
WhatsApp Business Platform (Cloud API), often over SSH on a shared server.

ttydesk-relay receives the Cloud API webhooks, stores them in SQLite and
serves the agents over a long-poll HTTP API; ttydesk is the agent's TUI,
with an encrypted local cache.")

set(TTYDESK_DEB_DEPENDS
  "libncursesw6, libtinfo6, libcurl4, libjansson4, libsodium23, libmicrohttpd12, libsqlite3-0, libpq5, libssl3, libutf8proc2")
find_program(TTYDESK_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(TTYDESK_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${TTYDESK_DEB_DEPENDS}")
endif()
# tmux is what the demo and two-agent setups use; not needed to run.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "tmux, sqlite3")

include(CPack)
