// The quote's part in 3D (three.js, vendored under static/vendor/three). Without WebGL the static top view shows.
import * as THREE from "../vendor/three/three.module.min.js";
import { STLLoader } from "../vendor/three/STLLoader.js";
import { OrbitControls } from "../vendor/three/OrbitControls.js";

function webglAvailable(canvas) {
  try {
    return !!(window.WebGLRenderingContext && (canvas.getContext("webgl2") || canvas.getContext("webgl")));
  } catch (e) {
    return false;
  }
}

function showFallback(figure) {
  figure.querySelector("canvas").hidden = true;
  figure.querySelector("img").hidden = false;
  figure.dataset.mode = "image";
}

for (const figure of document.querySelectorAll("[data-part-viewer]")) {
  const canvas = figure.querySelector("canvas");
  const probe = document.createElement("canvas");
  if (!webglAvailable(probe)) {
    showFallback(figure);
    continue;
  }
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0xf5f7fa);
  const camera = new THREE.PerspectiveCamera(35, 1, 0.1, 100000);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8899aa, 2.2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.6);
  scene.add(sun);
  const controls = new OrbitControls(camera, canvas);
  controls.enableDamping = true;

  function resize() {
    const width = canvas.clientWidth || 400;
    const height = canvas.clientHeight || 300;
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  }

  new STLLoader().load(figure.dataset.stl, (geometry) => {
    geometry.computeVertexNormals();
    geometry.computeBoundingSphere();
    const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ color: 0x9aa7b5, metalness: 0.35, roughness: 0.45 }));
    scene.add(mesh);
    const radius = geometry.boundingSphere.radius || 1;
    camera.position.set(radius * 1.6, -radius * 2.2, radius * 1.5);
    camera.up.set(0, 0, 1);
    sun.position.set(radius * 2, -radius, radius * 3);
    controls.target.set(0, 0, 0);
    controls.update();
    resize();
    figure.dataset.mode = "3d";
    renderer.setAnimationLoop(() => { controls.update(); renderer.render(scene, camera); });
  }, undefined, () => showFallback(figure));
  window.addEventListener("resize", resize);
}
