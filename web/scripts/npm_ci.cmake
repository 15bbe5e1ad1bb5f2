# Runs `npm ci` in web/ only when node_modules is missing or was installed from another
# lockfile (a copy of the lockfile it was installed from is kept in node_modules), so
# several build folders share one node_modules without reinstalling it under each other.
# Usage: cmake -DNPM=/usr/bin/npm -DWEB=/path/to/web -P npm_ci.cmake
set(lock ${WEB}/package-lock.json)
set(installed ${WEB}/node_modules/.fondaco-installed-lock.json)
if(EXISTS ${installed})
  file(SHA256 ${lock} want)
  file(SHA256 ${installed} have)
  if(want STREQUAL have)
    return()
  endif()
endif()
execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
                WORKING_DIRECTORY ${WEB} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed in ${WEB} (${rc})")
endif()
file(COPY_FILE ${lock} ${installed})
