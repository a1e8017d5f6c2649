import '@testing-library/jest-dom';

// Rendering MUI tables is slow on a loaded 2-core CI machine; 5 s flakes there, 30 s does not.
jest.setTimeout(30000);
