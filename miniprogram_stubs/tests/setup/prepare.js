// `run-tests.sh --prepare DIR`: migrates and seeds the journeys' instance DIR/instance ahead of time (make test
// runs this beside pytest); global-setup.js then only starts the server on it.
const { prepareInstance } = require('./global-setup');

prepareInstance(process.argv[2]);
