# `make install PREFIX=DIR` (cmake --install build/release --prefix DIR):
# the program, the public headers, the libraries and a CMake package, so that
# find_package(actbench CONFIG REQUIRED) then
# target_link_libraries(x PRIVATE actbench::main) works from a clean project.
# Targets: actbench::kernels (the built-in kernels), actbench::harness
# (registry, accuracy, bench, reports), actbench::main (harness + the command
# line's main), and actbench::plugin (only include/actbench/plugin.h, for
# plugins: find_package(actbench CONFIG REQUIRED COMPONENTS plugin) needs no
# C++ dependency).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(actbench_plugin INTERFACE)
target_include_directories(actbench_plugin INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(actbench_plugin PROPERTIES EXPORT_NAME plugin)
add_library(actbench::plugin ALIAS actbench_plugin)

foreach(t impls accuracy bench reports)
  set_target_properties(actbench_${t} PROPERTIES EXPORT_NAME ${t})
endforeach()
target_include_directories(actbench_kernels PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS actbench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Peer plugins, where an installed actbench looks for them (impls/plugin_loader.h).
if(ACTBENCH_PEER_PLUGIN_TARGETS)
  install(TARGETS ${ACTBENCH_PEER_PLUGIN_TARGETS} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/actbench/peers)
endif()
install(TARGETS actbench_kernels actbench_impls actbench_accuracy actbench_bench actbench_reports
                actbench_harness actbench_cli actbench_main
        EXPORT actbenchTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/actbench)
install(TARGETS actbench_plugin EXPORT actbenchPluginTargets)
install(DIRECTORY include/actbench DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(ACTBENCH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/actbench)
install(EXPORT actbenchTargets NAMESPACE actbench:: DESTINATION ${ACTBENCH_CMAKE_DIR})
install(EXPORT actbenchPluginTargets NAMESPACE actbench:: DESTINATION ${ACTBENCH_CMAKE_DIR})

# What the package must find again: the peers this build compiled in.
set(ACTBENCH_WITH_SLEEF ${SLEEF_FOUND})
set(ACTBENCH_WITH_EIGEN ${Eigen3_FOUND})
set(ACTBENCH_WITH_OPENMP ${OpenMP_CXX_FOUND})
configure_package_config_file(cmake/actbenchConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/actbenchConfig.cmake
                              INSTALL_DESTINATION ${ACTBENCH_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/actbenchConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/actbenchConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/actbenchConfigVersion.cmake
        DESTINATION ${ACTBENCH_CMAKE_DIR})
